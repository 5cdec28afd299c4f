package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// storeTimeout bounds each store call of a request, so a store that stopped
// answering yields a quick 503 instead of a request that hangs until the
// client or the write timeout gives up.
const storeTimeout = 3 * time.Second

// storeUnavailable answers 503 for a failed store call. The error goes to
// the access log (through c.Error) with the request ID, not to the client.
func storeUnavailable(c *gin.Context, store string, err error) {
	_ = c.Error(err)
	c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": store + " unavailable"})
}
