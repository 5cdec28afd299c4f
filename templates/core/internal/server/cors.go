package server

import (
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

// allowOrigins lets pages of origins (CORS_ALLOWED_ORIGINS) call the API
// from a browser: their preflight requests get 204 and the answers carry
// Access-Control-Allow-Origin; other origins' preflights get 403. Browsers
// send no cookies: credentials go in Authorization or X-API-Key, which a
// page sets itself, so Access-Control-Allow-Credentials is never sent (and
// "*" is never combined with it).
func allowOrigins(origins []string) gin.HandlerFunc {
	return cors.New(cors.Config{
		AllowOrigins:  origins,
		AllowMethods:  []string{"GET", "POST", "PUT", "PATCH", "DELETE"},
		AllowHeaders:  []string{"Authorization", "Content-Type", "X-API-Key", "X-Request-ID"},
		ExposeHeaders: []string{"Location", "X-Request-ID", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"},
		// Browsers cache a preflight this long (Chromium caps it at 2h).
		MaxAge: 10 * time.Minute,
	})
}
