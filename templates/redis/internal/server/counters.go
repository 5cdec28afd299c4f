package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// CounterStore is what the counter endpoints need; *cache.Counters is the
// real one, tests use a fake.
type CounterStore interface {
	Incr(ctx context.Context, name string) (int64, error)
	Get(ctx context.Context, name string) (int64, error)
}

// addCounterRoutes is the example of a Redis-backed endpoint: POST adds one
// to a named counter, GET reads it.
func addCounterRoutes(api *gin.RouterGroup, counters CounterStore) {
	api.POST("/counters/:name", counter(func(ctx context.Context, name string) (int64, error) {
		return counters.Incr(ctx, name)
	}))
	api.GET("/counters/:name", counter(func(ctx context.Context, name string) (int64, error) {
		return counters.Get(ctx, name)
	}))
}

// counter runs op on the counter named in the path (a name api/openapi.yaml
// allows: 1 to 64 letters, digits, '.', '_' or '-') and answers its value.
func counter(op func(ctx context.Context, name string) (int64, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("name")
		ctx, cancel := context.WithTimeout(c.Request.Context(), storeTimeout)
		defer cancel()
		n, err := op(ctx, name)
		if err != nil {
			storeError(c, "redis", err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"name": name, "value": n})
	}
}
