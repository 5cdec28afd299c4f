//go:build unix

package main

import (
	"net"
	"os"
	"syscall"
)

// acceptQueued takes a connection that is already queued on ln, without
// waiting: one accept(2) on its non-blocking socket. (net's Accept makes
// no system call once the deadline has passed.)
func acceptQueued(ln net.Listener) (net.Conn, bool) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, false
	}
	nfd := -1
	if ctlErr := raw.Control(func(fd uintptr) { nfd, _, err = syscall.Accept(int(fd)) }); ctlErr != nil || err != nil {
		return nil, false
	}
	f := os.NewFile(uintptr(nfd), "accepted") // #nosec G115 -- a descriptor accept(2) returned is never negative.
	defer f.Close()                           // FileConn holds a duplicate
	conn, err := net.FileConn(f)
	return conn, err == nil
}
