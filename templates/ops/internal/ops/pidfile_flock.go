//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package ops

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockPidfile opens path and takes an exclusive advisory lock on it
// without waiting. The kernel drops the lock when the process ends, however
// it ends, so a file left behind by a crash is simply locked again.
func lockPidfile(path string) (*os.File, error) {
	for {
		// #nosec G302 G304 -- the operator's PIDFILE, readable by all as pidfiles are.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("pidfile: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil { // #nosec G115 -- a file descriptor fits in an int.
			_ = f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, alreadyRunning(path)
			}
			return nil, fmt.Errorf("pidfile: %w", err)
		}
		// The instance we waited on may have removed the file before we
		// got the lock: then the lock is on a file no one else can see,
		// and we try again with the one now at path.
		held, err1 := f.Stat()
		current, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, current) {
			return f, nil
		}
		_ = f.Close()
	}
}
