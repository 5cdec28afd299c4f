//go:build !linux

package ops

// portHolder is not implemented outside Linux: the error names the command
// that shows the holder instead.
func portHolder(int) (pid int, command string, ok bool) { return 0, "", false }
