package server

import (
	"log/slog"
	"os"

	"github.com/gin-gonic/gin"
)

// addDebugRoutes adds routes that exist to check the log pipeline end to
// end: does a recovered panic reach the log receiver, and does a record
// logged just before a crash? They are registered only with
// DEBUG_ROUTES=true, which is off by default: never turn it on in
// production.
func addDebugRoutes(r *gin.Engine, logger *slog.Logger) {
	r.GET("/debug/panic", func(*gin.Context) {
		panic("deliberate panic from GET /debug/panic (DEBUG_ROUTES=true)")
	})
	// ?how=exit ends the process with os.Exit(3), which runs no deferred
	// function; anything else panics on a goroutine of its own, which no
	// recovery catches (exit status 2).
	r.GET("/debug/crash", func(c *gin.Context) {
		how := c.Query("how")
		logger.ErrorContext(c, "crashing on purpose (DEBUG_ROUTES=true)", "how", how)
		if how == "exit" {
			os.Exit(3)
		}
		go func() { panic("deliberate crash from GET /debug/crash (DEBUG_ROUTES=true)") }()
		select {} // the panic ends the process
	})
}
