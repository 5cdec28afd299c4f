package ratelimit

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Redis keeps the allowances in Redis (GCRA, one atomic script per
// request), shared by every replica of the service.
type Redis struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	prefix  string
}

// NewRedis returns the Redis store of limit a minute, bursts of burst; its
// keys start with prefix (the service's name and "ratelimit:").
func NewRedis(rdb *redis.Client, prefix string, limit, burst int) *Redis {
	return &Redis{limiter: redis_rate.NewLimiter(rdb), limit: redis_rate.Limit{Rate: limit, Burst: burst, Period: time.Minute}, prefix: prefix}
}

// Take spends one request of client's allowance.
func (r *Redis) Take(ctx context.Context, client string) (Decision, error) {
	res, err := r.limiter.Allow(ctx, r.prefix+client, r.limit)
	if err != nil {
		return Decision{}, err
	}
	return Decision{Allowed: res.Allowed > 0, Remaining: res.Remaining, RetryAfter: res.RetryAfter, Reset: res.ResetAfter}, nil
}
