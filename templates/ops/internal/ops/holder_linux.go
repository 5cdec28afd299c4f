package ops

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// portHolder finds the process with a listening TCP socket on port: the
// socket's inode comes from /proc/net/tcp{,6}, and the process from the
// /proc/<pid>/fd links that point at it. Processes of other users are
// invisible without privileges; then ok is false.
func portHolder(port int) (pid int, command string, ok bool) {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		listeningInodes(table, port, inodes)
	}
	if len(inodes) == 0 {
		return 0, "", false
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, "", false
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, err := os.ReadDir(filepath.Join("/proc", p.Name(), "fd"))
		if err != nil {
			continue
		}
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join("/proc", p.Name(), "fd", fd.Name()))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
				return pid, processCommand(pid), true
			}
		}
	}
	return 0, "", false
}

// listeningInodes adds the inodes of sockets in table that listen on port.
// A line reads: "sl local_address rem_address st ... inode", with the
// address as HEXIP:HEXPORT and state 0A meaning LISTEN.
func listeningInodes(table string, port int, inodes map[string]bool) {
	f, err := os.Open(table) // #nosec G304 -- table is one of the fixed /proc/net/tcp and tcp6 paths.
	if err != nil {
		return
	}
	defer f.Close()
	want := strings.ToUpper(strconv.FormatInt(int64(port), 16))
	for len(want) < 4 {
		want = "0" + want
	}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" {
			continue
		}
		if _, p, found := strings.Cut(fields[1], ":"); found && p == want {
			inodes[fields[9]] = true
		}
	}
}

// maxCommand keeps the one-line error short.
const maxCommand = 120

// processCommand is the process's command line, or its name.
func processCommand(pid int) string {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	// #nosec G304 -- /proc/<pid>/cmdline of a PID the kernel reported; no outside input.
	if b, err := os.ReadFile(filepath.Join(dir, "cmdline")); err == nil && len(b) > 0 {
		cmd := strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		if len(cmd) > maxCommand {
			cmd = cmd[:maxCommand] + "..."
		}
		return cmd
	}
	b, _ := os.ReadFile(filepath.Join(dir, "comm")) // #nosec G304 -- /proc/<pid>/comm, as above.
	return strings.TrimSpace(string(b))
}
