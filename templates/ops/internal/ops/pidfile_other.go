//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package ops

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// lockPidfile creates path, refusing while it names a running process;
// without flock, a file naming a process that is gone is stale and
// replaced.
func lockPidfile(path string) (*os.File, error) {
	// #nosec G302 G304 -- the operator's PIDFILE, readable by all as pidfiles are.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		b, _ := os.ReadFile(path) // #nosec G304 -- as above.
		if pid, err := strconv.Atoi(string(bytes.TrimSpace(b))); err == nil && running(pid) {
			return nil, alreadyRunning(path)
		}
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644) // #nosec G302 G304 -- as above.
	}
	if err != nil {
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	return f, nil
}

// running reports whether a process with pid exists (on Windows,
// FindProcess fails when there is none).
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
