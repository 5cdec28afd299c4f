package ops

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// portHolder finds the process with a listening TCP socket on port: the
// socket's inode comes from /proc/net/tcp{,6}, and the process from the
// /proc/<pid>/fd link that points at it. Processes of other users are
// invisible without privileges; then ok is false.
func portHolder(port int) (pid int, command string, ok bool) {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		listeningInodes(table, fmt.Sprintf("%04X", port), inodes)
	}
	if len(inodes) == 0 {
		return 0, "", false
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil || !inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			continue
		}
		pid, _ = strconv.Atoi(strings.Split(fd, "/")[2])
		// #nosec G304 -- /proc/<pid>/cmdline of a PID the kernel listed; no outside input.
		b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		command = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		if len(command) > maxCommand {
			command = command[:maxCommand] + "..."
		}
		return pid, command, true
	}
	return 0, "", false
}

// listeningInodes adds the inodes of sockets in table that listen on
// hexPort. A line reads: "sl local_address rem_address st ... inode", with
// the address as HEXIP:HEXPORT and state 0A meaning LISTEN.
func listeningInodes(table, hexPort string, inodes map[string]bool) {
	f, err := os.Open(table) // #nosec G304 -- table is one of the fixed /proc/net/tcp and tcp6 paths.
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 10 && fields[3] == "0A" && strings.HasSuffix(fields[1], ":"+hexPort) {
			inodes[fields[9]] = true
		}
	}
}

// maxCommand keeps the one-line error short.
const maxCommand = 120
