package ops

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// WritePidfile records this process's PID in path, so a second instance
// refuses to start while this one runs. The file is complete the moment it
// appears (written to a temporary file, then linked or renamed into
// place). A pidfile left behind by a process that is gone is replaced.
// The returned release removes the file, if it still names this process.
func WritePidfile(path string) (release func(), err error) {
	if pid, ok := readPidfile(path); ok && pid != os.Getpid() && running(pid) {
		return nil, alreadyRunning(path, pid)
	}
	self := []byte(strconv.Itoa(os.Getpid()) + "\n")
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pidfile-*")
	if err != nil {
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(self)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	// A hard link fails if path exists, so of two instances starting at
	// once only one gets the file. Where links are not supported, or the
	// file is stale, rename replaces it atomically.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			if pid, ok := readPidfile(path); ok && pid != os.Getpid() && running(pid) {
				return nil, alreadyRunning(path, pid)
			}
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return nil, fmt.Errorf("pidfile: %w", err)
		}
	}
	return func() {
		// #nosec G304 -- path is the operator's PIDFILE setting: the service's own pidfile.
		if b, err := os.ReadFile(path); err == nil && bytes.Equal(b, self) {
			_ = os.Remove(path)
		}
	}, nil
}

func alreadyRunning(path string, pid int) error {
	return fmt.Errorf("already running as pid %d (pidfile %s); stop it first, or remove the file if that process is not this service", pid, path)
}

// readPidfile returns the PID in path; ok is false when there is no file or
// it does not hold a PID (a torn or foreign file counts as stale).
func readPidfile(path string) (pid int, ok bool) {
	b, err := os.ReadFile(path) // #nosec G304 -- path is the operator's PIDFILE setting: the service's own pidfile.
	if err != nil {
		return 0, false
	}
	pid, err = strconv.Atoi(string(bytes.TrimSpace(b)))
	return pid, err == nil && pid > 0
}
