package tracing

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// hermetic unsets the variables the SDK reads from the process
// environment itself, so a developer's or CI's OTEL_* cannot change the
// outcome (t.Setenv restores them afterwards).
func hermetic(t *testing.T) {
	for _, k := range []string{
		"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
		"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
	} {
		t.Setenv(k, "")
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestOffWithoutAnEndpoint(t *testing.T) {
	hermetic(t)
	before := runtime.NumGoroutine()
	tp, flush, err := Start(context.Background(), env(nil), "svc", slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if tp != nil {
		t.Fatalf("provider without an endpoint: %T, want nil", tp)
	}
	if after := runtime.NumGoroutine(); after != before {
		t.Fatalf("goroutines %d -> %d: something started without an endpoint", before, after)
	}
	flush(time.Second)
}

func TestRejectsAnEndpointThatIsNotAnHTTPURL(t *testing.T) {
	hermetic(t)
	for _, endpoint := range []string{"localhost:4318", "grpc://collector:4317", "http://"} {
		_, _, err := Start(context.Background(), env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}), "svc", slog.Default())
		if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_ENDPOINT") {
			t.Errorf("%q: %v", endpoint, err)
		}
	}
}

// collector is an OTLP/HTTP endpoint that answers 200, or 400 while down.
type collector struct {
	down    atomic.Bool
	exports atomic.Int32
	paths   chan string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.down.Load() {
		http.Error(w, "down", http.StatusBadRequest) // not retried by the exporter
		return
	}
	if r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want protobuf", http.StatusUnsupportedMediaType)
		return
	}
	c.exports.Add(1)
	select {
	case c.paths <- r.URL.Path:
	default:
	}
}

func startTraced(t *testing.T, vars map[string]string, logs io.Writer) (trace.TracerProvider, func(time.Duration)) {
	t.Helper()
	hermetic(t)
	tp, flush, err := Start(context.Background(), env(vars), "svc", slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if tp == nil {
		t.Fatal("no provider with an endpoint set")
	}
	return tp, flush
}

func TestExportsToTheEndpointAndFlushesOnShutdown(t *testing.T) {
	for _, c := range []struct{ name, value, path string }{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "/v1/traces"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "/custom/traces", "/custom/traces"},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := &collector{paths: make(chan string, 8)}
			srv := httptest.NewServer(col)
			defer srv.Close()
			tp, flush := startTraced(t, map[string]string{c.name: srv.URL + c.value}, io.Discard)
			_, span := tp.Tracer("test").Start(context.Background(), "work")
			span.End()
			flush(5 * time.Second) // the batch processor would wait 5s; shutdown sends at once
			if col.exports.Load() != 1 {
				t.Fatalf("%d exports after the flush, want 1", col.exports.Load())
			}
			if path := <-col.paths; path != c.path {
				t.Fatalf("exported to %s, want %s", path, c.path)
			}
		})
	}
}

func TestAnOutageIsLoggedOnceAndTheRecoveryOnce(t *testing.T) {
	col := &collector{paths: make(chan string, 8)}
	col.down.Store(true)
	srv := httptest.NewServer(col)
	defer srv.Close()
	var logs bytes.Buffer
	tp, flush := startTraced(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL}, &logs)
	defer flush(time.Second)
	flusher := tp.(interface{ ForceFlush(context.Context) error })
	export := func() {
		_, span := tp.Tracer("test").Start(context.Background(), "work")
		span.End()
		if err := flusher.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		export()
	}
	if n := strings.Count(logs.String(), "trace export failed"); n != 1 {
		t.Fatalf("5 failed exports logged %d times, want once:\n%s", n, logs.String())
	}
	col.down.Store(false)
	export()
	export()
	if n := strings.Count(logs.String(), "trace export works again"); n != 1 || col.exports.Load() != 2 {
		t.Fatalf("recovery logged %d times, %d exports:\n%s", n, col.exports.Load(), logs.String())
	}
}
