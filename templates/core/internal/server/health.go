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
// down goes to the log (once per change, see checkStates), not to the
// caller.
func readyz(state *State, checks []Check, logger *slog.Logger) gin.HandlerFunc {
	seen := &checkStates{last: make([]checkState, len(checks))}
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
		for _, check := range failingChecks(c, checks, seen, logger) {
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
// returns the failed ones, in order, and logs what changed (see
// checkStates).
func failingChecks(ctx context.Context, checks []Check, seen *checkStates, logger *slog.Logger) []Check {
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
		now := checkState{failing: err != nil}
		if err != nil {
			down = append(down, checks[i])
			now.reason = err.Error()
		}
		before, changed := seen.swap(i, now)
		switch {
		case !changed:
		case now.failing:
			logger.WarnContext(ctx, "readiness check failed", "check", checks[i].Name, "error", now.reason)
		default:
			logger.InfoContext(ctx, "readiness check recovered", "check", checks[i].Name, "was", before.reason)
		}
	}
	return down
}

// checkState is the last outcome of one check: passing, or failing and why.
type checkState struct {
	failing bool
	reason  string
}

// checkStates remembers each check's last outcome, so that the log gets a
// line when a check starts failing (or fails for another reason) and one
// when it recovers, not one per probe: the kubelet and load balancers ask
// /readyz every few seconds, and an outage would otherwise bury the log.
type checkStates struct {
	mu   sync.Mutex
	last []checkState
}

// swap records now as check i's outcome and returns the one before it, and
// whether they differ.
func (s *checkStates) swap(i int, now checkState) (checkState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before := s.last[i]
	s.last[i] = now
	return before, before != now
}
