package ops

import (
	"errors"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestListenNamesTheBusyPortAndItsHolder(t *testing.T) {
	t.Parallel()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := strconv.Itoa(held.Addr().(*net.TCPAddr).Port)

	ln, err := Listen("127.0.0.1:" + port)
	if err == nil {
		ln.Close()
		t.Fatal("second listener on the same port succeeded")
	}
	var inUse *AddrInUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("error is %T, want *AddrInUseError: %v", err, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "127.0.0.1:"+port) || !strings.Contains(msg, port) {
		t.Errorf("message should be one line naming the address: %q", msg)
	}
	if !strings.Contains(msg, inspectCommand(runtime.GOOS, port)) {
		t.Errorf("message lacks the inspect command: %q", msg)
	}
	if runtime.GOOS == "linux" && !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("message does not name this process as the holder: %q", msg)
	}
}

func TestListenOtherErrorsAreNotBusyPorts(t *testing.T) {
	t.Parallel()
	_, err := Listen("256.0.0.1:80")
	var inUse *AddrInUseError
	if err == nil || errors.As(err, &inUse) {
		t.Fatalf("err = %v", err)
	}
}

func TestInspectCommand(t *testing.T) {
	t.Parallel()
	for goos, want := range map[string]string{
		"linux":   "ss -ltnp 'sport = :8080'",
		"darwin":  "lsof -nP -iTCP:8080 -sTCP:LISTEN",
		"windows": "netstat -ano | findstr :8080",
	} {
		if got := inspectCommand(goos, "8080"); got != want {
			t.Errorf("%s: %q, want %q", goos, got, want)
		}
	}
}
