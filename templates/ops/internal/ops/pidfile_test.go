package ops

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHelperProcess is not a test: the pidfile tests run this test binary
// again as "another instance", which takes the pidfile at OPS_PIDFILE_AT
// (Unix nanoseconds), prints the outcome, holds it for OPS_HOLD and exits.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv("OPS_PIDFILE")
	if path == "" {
		t.Skip("helper process")
	}
	at, _ := strconv.ParseInt(os.Getenv("OPS_PIDFILE_AT"), 10, 64)
	time.Sleep(time.Until(time.Unix(0, at)))
	release, err := WritePidfile(path)
	if err != nil {
		os.Stdout.WriteString("refused: " + err.Error() + "\n")
		os.Exit(0)
	}
	os.Stdout.WriteString("started\n")
	hold, _ := time.ParseDuration(os.Getenv("OPS_HOLD"))
	time.Sleep(hold)
	release()
	os.Exit(0)
}

// instance runs the helper process against path; it takes the pidfile at
// the given time.
func instance(path string, at time.Time, hold time.Duration) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$") // #nosec G204 G702 -- this test binary, run again.
	cmd.Env = append(os.Environ(), "OPS_PIDFILE="+path, "OPS_PIDFILE_AT="+strconv.FormatInt(at.UnixNano(), 10), "OPS_HOLD="+hold.String())
	return cmd
}

func TestPidfile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "svc.pid")
	release, err := WritePidfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("pidfile holds %q", b)
	}
	release()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("pidfile left after release: %v", err)
	}
}

// A pidfile left by a process that is gone (a crash, SIGKILL) or holding
// garbage does not block a start.
func TestPidfileLeftBehindIsTaken(t *testing.T) {
	t.Parallel()
	for _, content := range []string{"999999999\n", "not a pid", ""} {
		path := filepath.Join(t.TempDir(), "svc.pid")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		release, err := WritePidfile(path)
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		release()
	}
}

// Two instances start at the same moment, a stale pidfile already there:
// exactly one runs, the other is refused naming it, every time.
func TestPidfileTwoInstancesRacing(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "svc.pid")
		if err := os.WriteFile(path, []byte("999999999\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(300 * time.Millisecond)
		outs := make(chan string, 2)
		for range 2 {
			go func() {
				out, err := instance(path, at, 300*time.Millisecond).Output()
				if err != nil {
					out = append(out, err.Error()...)
				}
				outs <- string(out)
			}()
		}
		results := []string{<-outs, <-outs}
		started := 0
		for _, r := range results {
			switch {
			case r == "started\n":
				started++
			case !strings.HasPrefix(r, "refused: already running"):
				t.Fatalf("round %d: unexpected outcome %q", round, r)
			}
		}
		if started != 1 {
			t.Fatalf("round %d: %d instances started, want 1: %q", round, started, results)
		}
	}
}
