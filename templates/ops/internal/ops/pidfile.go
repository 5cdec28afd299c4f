package ops

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// WritePidfile records this process's PID in path and keeps the file
// locked while the process runs, so a second instance refuses to start.
// The returned release removes the file and drops the lock.
func WritePidfile(path string) (release func(), err error) {
	f, err := lockPidfile(path)
	if err != nil {
		return nil, err
	}
	self := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err = f.Truncate(0); err == nil {
		if _, err = f.WriteAt(self, 0); err == nil {
			err = f.Sync()
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("pidfile: %w", err)
	}
	return func() {
		_ = os.Remove(path) // first, while the lock still keeps others out
		_ = f.Close()
	}, nil
}

func alreadyRunning(path string) error {
	// #nosec G304 -- path is the operator's PIDFILE setting: the service's own pidfile.
	b, _ := os.ReadFile(path)
	if pid, err := strconv.Atoi(string(bytes.TrimSpace(b))); err == nil {
		return fmt.Errorf("already running as pid %d (pidfile %s); stop it first", pid, path)
	}
	return fmt.Errorf("already running (pidfile %s is locked by another process); stop it first", path)
}
