package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// serveOn starts h on a free loopback port and returns the port.
func serveOn(t *testing.T, h http.Handler) int {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func TestHealthcheckMode(t *testing.T) {
	t.Parallel() // -healthcheck returns before run touches Gin's globals
	healthy := serveOn(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"status":"ok"}`)
	}))
	unhealthy := serveOn(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	closed := freePort(t)

	cases := []struct {
		name string
		port int
		ok   bool
	}{
		{"healthy", healthy, true},
		{"unhealthy", unhealthy, false},
		{"nothing listening", closed, false},
	}
	for _, c := range cases {
		// Through run, as the container's HEALTHCHECK calls it: PORT from the environment.
		env := map[string]string{"PORT": strconv.Itoa(c.port)}
		err := run(context.Background(), []string{"server", "-healthcheck"}, envOf(env), io.Discard)
		if (err == nil) != c.ok {
			t.Errorf("%s: -healthcheck returned %v, want ok=%v", c.name, err, c.ok)
		}
	}
}
