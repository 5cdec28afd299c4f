//go:build !windows

package ops

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// running reports whether pid is a live process that could be another
// instance of this program. Where /proc tells (Linux), a live process with
// another name is a reused PID, so the pidfile naming it is stale.
func running(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	theirs, err1 := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	ours, err2 := os.ReadFile("/proc/self/comm")
	if err1 == nil && err2 == nil && !bytes.Equal(theirs, ours) {
		return false
	}
	return true
}
