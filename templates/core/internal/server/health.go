package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Check is one dependency /readyz reports on.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// readyTimeout bounds /readyz, so an unreachable dependency makes it answer
// 503 quickly instead of hanging the prober.
const readyTimeout = 2 * time.Second

// healthz is liveness: the process serves HTTP. It never looks at
// dependencies, so an outage elsewhere does not get the service restarted.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz is readiness: 503, naming what is down, while any dependency fails.
func readyz(checks []Check) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		defer cancel()
		down := map[string]string{}
		for _, check := range checks {
			if err := check.Ping(ctx); err != nil {
				down[check.Name] = err.Error()
			}
		}
		if len(down) > 0 {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "down": down})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}
