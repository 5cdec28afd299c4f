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

// Incr adds one to the counter and returns its new value. It is never
// retried, whatever the client's MaxRetries: INCR is not idempotent, and
// when its reply is lost the increment may have happened, so sending it
// again could count twice. The error goes to the caller instead.
func (c *Counters) Incr(ctx context.Context, name string) (int64, error) {
	cmd := noRetry{redis.NewIntCmd(ctx, "incr", counterKey(name))}
	_ = c.rdb.Process(ctx, cmd)
	return cmd.Result()
}

// noRetry marks a command that go-redis must not send twice.
type noRetry struct{ *redis.IntCmd }

func (noRetry) NoRetry() bool { return true }

// Get returns the counter's value, 0 for a counter never incremented.
func (c *Counters) Get(ctx context.Context, name string) (int64, error) {
	n, err := c.rdb.Get(ctx, counterKey(name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}
