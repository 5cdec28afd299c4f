package server

import "github.com/gin-gonic/gin"

// addDebugRoutes adds routes that exist to check the log pipeline end to
// end: does a recovered panic reach the log receiver? They are registered
// only with DEBUG_ROUTES=true, which is off by default: never turn it on
// in production.
func addDebugRoutes(r *gin.Engine) {
	r.GET("/debug/panic", func(*gin.Context) {
		panic("deliberate panic from GET /debug/panic (DEBUG_ROUTES=true)")
	})
}
