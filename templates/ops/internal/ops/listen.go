// Package ops holds the process-level operations code: opening listeners
// with a useful diagnosis when the port is taken, and the pidfile.
package ops

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"syscall"
)

// Listen opens a TCP listener on addr. When the port is already taken the
// error is one line that names the address, the process holding it when
// the operating system tells (Linux, from /proc), and the command that
// shows the holder.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	// Winsock's WSAEADDRINUSE (10048) is not syscall.EADDRINUSE.
	if !errors.Is(err, syscall.EADDRINUSE) && !errors.Is(err, syscall.Errno(10048)) {
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return nil, &AddrInUseError{Addr: addr, Holder: holderOf(addr), err: err}
}

// AddrInUseError reports a listen address that another socket holds.
type AddrInUseError struct {
	Addr string
	// Holder is "pid 1234 (nginx)" when it could be found, else "".
	Holder string
	err    error
}

func (e *AddrInUseError) Error() string {
	msg := "cannot listen on " + e.Addr + ": address already in use"
	if e.Holder != "" {
		msg += ", held by " + e.Holder
	}
	return msg + "; inspect with: " + inspectCommand(runtime.GOOS, portOf(e.Addr))
}

func (e *AddrInUseError) Unwrap() error { return e.err }

// inspectCommand is the command that lists the holder of a TCP port on goos.
func inspectCommand(goos, port string) string {
	switch goos {
	case "linux":
		return "ss -ltnp 'sport = :" + port + "'"
	case "windows":
		return "netstat -ano | findstr :" + port
	default:
		return "lsof -nP -iTCP:" + port + " -sTCP:LISTEN"
	}
}

func portOf(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return port
}

// holderOf describes the process listening on addr's port, or "".
func holderOf(addr string) string {
	port, err := strconv.Atoi(portOf(addr))
	if err != nil || port == 0 {
		return ""
	}
	pid, command, ok := portHolder(port)
	if !ok {
		return ""
	}
	if command == "" {
		return "pid " + strconv.Itoa(pid)
	}
	return fmt.Sprintf("pid %d (%s)", pid, command)
}
