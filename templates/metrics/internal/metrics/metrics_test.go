package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// serveOnFreePort starts Serve on a free loopback port, stopped when the
// test ends, and returns the address its "metrics listening" record names.
func serveOnFreePort(t *testing.T) string {
	t.Helper()
	var logs bytes.Buffer
	stop, err := Serve("127.0.0.1:0", NewRegistry(), slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	var listening struct{ Addr string }
	if err := json.Unmarshal(logs.Bytes(), &listening); err != nil || listening.Addr == "" {
		t.Fatalf("no 'metrics listening' record with the address: %q", logs.String())
	}
	return listening.Addr
}

func TestServeExposesRuntimeMetricsOnItsOwnListener(t *testing.T) {
	base := "http://" + serveOnFreePort(t)

	body := get(t, base+"/metrics", http.StatusOK)
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total"} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	get(t, base+"/", http.StatusNotFound)
	get(t, base+"/debug/vars", http.StatusNotFound)
}

func TestServeRefusesATakenPort(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	addr := serveOnFreePort(t)
	if stop2, err := Serve(addr, NewRegistry(), logger); err == nil {
		stop2()
		t.Fatalf("second Serve on %s succeeded", addr)
	} else if !strings.Contains(err.Error(), addr[strings.LastIndex(addr, ":")+1:]) {
		t.Errorf("error does not name the port: %v", err)
	}
}

func get(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Errorf("GET %s = %d, want %d", url, resp.StatusCode, want)
	}
	return string(body)
}
