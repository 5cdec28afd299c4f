package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// Phase is where the service is in its life, as /readyz reports it.
type Phase int32

const (
	// Starting: the port is bound and /healthz answers; the stores are
	// still connecting, so every other route answers 503.
	Starting Phase = iota
	// Ready: serving every route.
	Ready
	// Draining: shutting down; /readyz says so, so that load balancers
	// stop sending new requests before the listener closes.
	Draining
)

// State holds the phase. run moves it on; /readyz reads it.
type State struct{ phase atomic.Int32 }

// Set moves the service to phase p.
func (s *State) Set(p Phase) { s.phase.Store(int32(p)) }

// Phase returns the current phase.
func (s *State) Phase() Phase { return Phase(s.phase.Load()) }

// Check is one dependency /readyz reports on.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
	// Degradable: while it fails, /readyz stays 200 and lists it under
	// "degraded", and only the routes that use it answer 503. For a shared
	// dependency (a cache) whose outage would otherwise take every instance
	// out of the Service at once, although most routes still work.
	Degradable bool
}

// checkTimeout bounds each readiness check, so an unreachable dependency
// makes /readyz answer 503 quickly instead of hanging the prober.
const checkTimeout = 2 * time.Second

// healthz is liveness: the process serves HTTP, from the moment its port
// is bound. It never looks at dependencies, so an outage elsewhere does
// not get the service restarted. It names the build (version, stamped by
// the Dockerfile and the Makefile with -ldflags -X).
func healthz(version string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": version})
	}
}

// readyz is readiness: 200 when the service is ready and every required
// dependency answers; degradable ones that fail are listed under
// "degraded" with a 200 still. A 503 names the phase ("starting",
// "draining") or the required dependencies that are down; why they are
// down goes to the log, not to the caller.
func readyz(state *State, checks []Check, logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch state.Phase() {
		case Starting:
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "starting"})
			return
		case Draining:
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "draining"})
			return
		}
		var down, degraded []string
		for _, check := range failingChecks(c, checks, logger) {
			if check.Degradable {
				degraded = append(degraded, check.Name)
			} else {
				down = append(down, check.Name)
			}
		}
		code, body := http.StatusOK, gin.H{"status": "ready"}
		if len(degraded) > 0 {
			body = gin.H{"status": "degraded", "degraded": degraded}
		}
		if len(down) > 0 {
			code, body["status"], body["down"] = http.StatusServiceUnavailable, "unavailable", down
		}
		c.JSON(code, body)
	}
}

// failingChecks runs every check at once, each with a timeout of its own,
// so one dependency that hangs cannot use up the time of the others. It
// returns the failed ones, in order, and logs their errors.
func failingChecks(ctx context.Context, checks []Check, logger *slog.Logger) []Check {
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			errs[i] = check.Ping(ctx)
		})
	}
	wg.Wait()
	var down []Check
	for i, err := range errs {
		if err != nil {
			down = append(down, checks[i])
			logger.WarnContext(ctx, "readiness check failed", "check", checks[i].Name, "error", err.Error())
		}
	}
	return down
}
