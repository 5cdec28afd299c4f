// Package ratelimit limits each client's requests: Limit per minute, with
// bursts of Burst, counted in a Store: this process's memory, or a store
// that every replica shares.
package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"
)

// Decision is a store's answer for one request.
type Decision struct {
	Allowed   bool
	Remaining int
	// RetryAfter: when a refused client may try again.
	RetryAfter time.Duration
	// Reset: when the client's allowance is whole again.
	Reset time.Duration
}

// Store keeps the clients' allowances.
type Store interface {
	Take(ctx context.Context, client string) (Decision, error)
}

// Limiter decides, per client key, and counts what it refused and the
// store's failures (which let the request through: a limit that fails
// closed would turn an outage of a shared store into a full outage).
type Limiter struct {
	Limit, Burst int
	store        Store
	refused      atomic.Uint64
	failed       atomic.Uint64
}

// New returns a limiter of limit requests a minute per client, bursts of
// burst, kept in memory until Use gives it another store.
func New(limit, burst int) *Limiter {
	return &Limiter{Limit: limit, Burst: burst, store: NewMemory(limit, burst)}
}

// Use makes s the store of the allowances (before the limiter serves).
func (l *Limiter) Use(s Store) { l.store = s }

// Take spends one request of client's allowance; ok is false when the
// store failed and the request goes through uncounted.
func (l *Limiter) Take(ctx context.Context, client string) (d Decision, ok bool) {
	d, err := l.store.Take(ctx, client)
	if err != nil {
		l.failed.Add(1)
		return Decision{Allowed: true}, false
	}
	if !d.Allowed {
		l.refused.Add(1)
	}
	return d, true
}

// Counts returns the requests refused, and the store's failures, so far.
func (l *Limiter) Counts() (refused, failed uint64) { return l.refused.Load(), l.failed.Load() }

// maxClients bounds the memory store: past it, the clients seen least
// recently are forgotten (and start again with a full allowance).
const maxClients = 100_000

// Memory keeps a token bucket per client, for a process of its own.
type Memory struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	// A client idle for as long as its bucket takes to fill again is
	// dropped: its next request would find it full anyway.
	clients *expirable.LRU[string, *rate.Limiter]
}

// NewMemory returns the in-memory store of limit a minute, bursts of burst.
func NewMemory(limit, burst int) *Memory {
	every := rate.Limit(float64(limit) / 60)
	refill := time.Duration(float64(burst)/float64(every)*float64(time.Second)) + time.Second
	return &Memory{limit: every, burst: burst, clients: expirable.NewLRU[string, *rate.Limiter](maxClients, nil, refill)}
}

// Take spends one request of client's bucket.
func (m *Memory) Take(_ context.Context, client string) (Decision, error) {
	now := time.Now()
	m.mu.Lock()
	bucket, ok := m.clients.Get(client)
	if !ok {
		bucket = rate.NewLimiter(m.limit, m.burst)
	}
	m.clients.Add(client, bucket) // also restarts its idle time
	m.mu.Unlock()

	r := bucket.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return Decision{RetryAfter: wait, Reset: m.fill(bucket, now)}, nil
	}
	return Decision{Allowed: true, Remaining: int(bucket.TokensAt(now)), Reset: m.fill(bucket, now)}, nil
}

// fill is the time until bucket is full again.
func (m *Memory) fill(bucket *rate.Limiter, now time.Time) time.Duration {
	missing := float64(m.burst) - bucket.TokensAt(now)
	return time.Duration(missing / float64(m.limit) * float64(time.Second))
}
