package cache

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// Counters is the example of a Redis-backed feature: named counters that
// every instance of the service shares.
type Counters struct {
	rdb *redis.Client
}

// NewCounters returns the counters stored in rdb.
func NewCounters(rdb *redis.Client) *Counters {
	return &Counters{rdb: rdb}
}

func counterKey(name string) string { return "counter:" + name }

// Incr adds one to the counter and returns its new value.
func (c *Counters) Incr(ctx context.Context, name string) (int64, error) {
	return c.rdb.Incr(ctx, counterKey(name)).Result()
}

// Get returns the counter's value, 0 for a counter never incremented.
func (c *Counters) Get(ctx context.Context, name string) (int64, error) {
	n, err := c.rdb.Get(ctx, counterKey(name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}
