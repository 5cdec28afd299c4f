package ops

import "os"

// running reports whether a process with pid exists: on Windows,
// FindProcess opens a handle to it and fails when there is none.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
