// Package retry runs an operation until it succeeds, waiting longer after
// each failure (exponential backoff with jitter). The service uses it for
// its first connection to each store, which may still be starting.
package retry

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Policy bounds the attempts.
type Policy struct {
	// Attempts is the number of tries, at least 1.
	Attempts int
	// Base is the wait after the first failure; it doubles after each one.
	Base time.Duration
	// Max caps a single wait.
	Max time.Duration
}

// Do calls op until it returns nil, ctx is done or the attempts run out.
// Each failure is logged with the wait before the next try; the error
// after the last one names what was tried, how often and for how long.
func Do(ctx context.Context, p Policy, logger *slog.Logger, what string, op func(context.Context) error) error {
	attempts := max(p.Attempts, 1)
	start := time.Now()
	var err error
	for n := 1; ; n++ {
		if err = op(ctx); err == nil {
			if n > 1 {
				logger.InfoContext(ctx, "connected after retries", "dependency", what, "attempt", n)
			}
			return nil
		}
		if n >= attempts {
			break
		}
		wait := Delay(p, n, rand.Float64()) // #nosec G404 -- jitter only spreads retries out; it guards no secret.
		logger.WarnContext(ctx, "connection failed, retrying", "dependency", what,
			"attempt", n, "of", attempts, "retry_in", wait.Round(time.Millisecond).String(), "error", err.Error())
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%s: gave up connecting: %w (last error: %v)", what, ctx.Err(), err)
		case <-timer.C:
		}
	}
	return fmt.Errorf("%s unreachable after %d attempts in %s: %w",
		what, attempts, time.Since(start).Round(100*time.Millisecond), err)
}

// Delay is the wait after failed attempt n (1-based): Base doubled n-1
// times, capped at Max, of which a random half is skipped. The jitter
// ("equal jitter", r in [0,1)) keeps instances restarted together from
// retrying in lockstep while the wait still grows.
func Delay(p Policy, n int, r float64) time.Duration {
	d := p.Base
	for i := 1; i < n && (p.Max <= 0 || d < p.Max); i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	half := d / 2
	return half + time.Duration(r*float64(d-half))
}
