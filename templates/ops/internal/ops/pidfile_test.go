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
// again as "another instance" that just waits.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("OPS_HELPER_PROCESS") != "1" {
		t.Skip("helper process")
	}
	time.Sleep(time.Minute)
	os.Exit(0)
}

func startInstance(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "OPS_HELPER_PROCESS=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestPidfile(t *testing.T) {
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
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestPidfileRefusesWhileTheOtherInstanceRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid")
	other := startInstance(t)
	pid := strconv.Itoa(other.Process.Pid)
	if err := os.WriteFile(path, []byte(pid+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WritePidfile(path); err == nil || !strings.Contains(err.Error(), "already running as pid "+pid) {
		t.Fatalf("second start: err = %v", err)
	}

	// Once it is gone, its pidfile is stale and replaced.
	_ = other.Process.Kill()
	_ = other.Wait()
	release, err := WritePidfile(path)
	if err != nil {
		t.Fatalf("stale pidfile not replaced: %v", err)
	}
	defer release()
	if b, _ := os.ReadFile(path); string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("pidfile holds %q", b)
	}
}

func TestPidfileReplacesGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid")
	if err := os.WriteFile(path, []byte("not a pid"), 0o644); err != nil {
		t.Fatal(err)
	}
	release, err := WritePidfile(path)
	if err != nil {
		t.Fatal(err)
	}
	release()
}
