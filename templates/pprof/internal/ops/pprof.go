package ops

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// PprofHandler serves the runtime profiles under /debug/pprof/ on a mux of
// its own. (Importing net/http/pprof also registers them on
// http.DefaultServeMux; the public server never serves that mux.)
func PprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// StartPprof serves PprofHandler on addr, which must be a loopback address
// (the configuration refuses others). It returns once the port is bound,
// with the error from Listen when it is taken; stop closes the listener
// and any profile being taken.
func StartPprof(addr string, logger *slog.Logger) (stop func(), err error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := Listen(addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           PprofHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		// No WriteTimeout: /debug/pprof/profile?seconds=N streams for N seconds.
	}
	logger.Info("pprof listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("pprof server stopped", "error", err)
		}
	}()
	return func() { _ = srv.Close() }, nil
}

// CheckLoopback accepts host:port addresses whose host is a loopback IP or
// "localhost": profiles expose memory contents and must not be reachable
// from the network.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address: pprof listens on 127.0.0.1 or ::1 only", addr)
}
