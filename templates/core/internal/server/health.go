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
}

// checkTimeout bounds each readiness check, so an unreachable dependency
// makes /readyz answer 503 quickly instead of hanging the prober.
const checkTimeout = 2 * time.Second

// healthz is liveness: the process serves HTTP, from the moment its port
// is bound. It never looks at dependencies, so an outage elsewhere does
// not get the service restarted.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz is readiness: 200 only when the service is ready and every
// dependency answers. A 503 names the phase ("starting", "draining") or
// the dependencies that are down; why they are down goes to the log, not
// to the caller.
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
		if down := failingChecks(c, checks, logger); len(down) > 0 {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "down": down})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}

// failingChecks runs every check at once, each with a timeout of its own,
// so one dependency that hangs cannot use up the time of the others. It
// returns the names of the failed ones, in order, and logs their errors.
func failingChecks(ctx context.Context, checks []Check, logger *slog.Logger) []string {
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
	var down []string
	for i, err := range errs {
		if err != nil {
			down = append(down, checks[i].Name)
			logger.WarnContext(ctx, "readiness check failed", "check", checks[i].Name, "error", err.Error())
		}
	}
	return down
}
