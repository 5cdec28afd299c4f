package outbound

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCollectorReportsTheBreakerState(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer upstream.Close()
	c := New(Config{
		Name: "upstream", ConnectTimeout: time.Second, TLSTimeout: time.Second, HeaderTimeout: time.Second, Timeout: time.Second,
		BreakerFailures: 2, BreakerFailureRatio: 1, BreakerInterval: time.Minute, BreakerOpenTimeout: time.Minute,
	}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	collector := c.Collector()
	if v := testutil.ToFloat64(collector); v != 0 {
		t.Fatalf("closed breaker reported as %v, want 0", v)
	}
	for range 2 {
		if _, err := c.Get(context.Background(), upstream.URL); err == nil {
			t.Fatal("a 500 from the upstream was not an error")
		}
	}
	if v := testutil.ToFloat64(collector); v != 2 {
		t.Fatalf("open breaker reported as %v, want 2", v)
	}
}
