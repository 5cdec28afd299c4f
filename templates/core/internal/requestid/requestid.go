// Package requestid carries the X-Request-ID of a request through its
// context, so logs and outbound calls can name it.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
)

// Header is the HTTP header that carries the ID in and out (X-Request-ID;
// header names are case-insensitive). It is spelled in Go's canonical form
// so that Header.Get and Header.Set take it as it is: any other spelling is
// re-cased into a new string on every request, twice.
const Header = "X-Request-Id"

// IDs are 32 hex digits: a random per-process prefix (read from
// crypto/rand once) and a counter, so they are unique across processes and
// restarts without a system call per request. They are made batchSize at
// a time into one string, which each ID is a slice of: one allocation per
// batch rather than one per request.
const batchSize = 64

var (
	prefix  = randomPrefix()
	counter atomic.Uint64
	batches = sync.Pool{New: func() any { return new(batch) }}
)

func randomPrefix() [8]byte {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return b
}

// batch is a run of IDs not handed out yet.
type batch struct {
	ids  string
	next int
}

// New returns a fresh ID. IDs handed out by different goroutines are
// unique but not in order.
func New() string {
	b := batches.Get().(*batch)
	if b.next == len(b.ids) {
		b.fill()
	}
	id := b.ids[b.next : b.next+32]
	b.next += 32
	batches.Put(b)
	return id
}

// fill takes the next batchSize values of the counter.
func (b *batch) fill() {
	first := counter.Add(batchSize) - batchSize + 1
	var s strings.Builder
	s.Grow(batchSize * 32)
	var raw [16]byte
	var out [32]byte
	copy(raw[:8], prefix[:])
	for n := first; n < first+batchSize; n++ {
		binary.BigEndian.PutUint64(raw[8:], n)
		hex.Encode(out[:], raw[:])
		s.Write(out[:])
	}
	b.ids, b.next = s.String(), 0
}

// Valid reports whether a client-sent ID is safe to echo and log:
// 1 to 64 characters of letters, digits, '-', '_', '.' or ':'.
func Valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch r := id[i]; {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// idContext is a context carrying a request ID. The ID is held as the
// one-element []string an http.Header value is, so the response header
// can share it (see HeaderValue): one allocation per request for both.
type idContext struct {
	context.Context
	id [1]string
}

type key struct{}

// Value returns the idContext itself for key{} (a pointer in an interface
// costs no allocation, where the string would).
func (c *idContext) Value(k any) any {
	if k == (key{}) {
		return c
	}
	return c.Context.Value(k)
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return &idContext{Context: ctx, id: [1]string{id}}
}

// From returns the ID in ctx, or "".
func From(ctx context.Context) string {
	if c, ok := ctx.Value(key{}).(*idContext); ok {
		return c.id[0]
	}
	return ""
}

// HeaderValue returns the ID in ctx as an http.Header value (nil if none),
// sharing the context's memory: set it as a response header with
// h[Header] = HeaderValue(ctx), which allocates nothing.
func HeaderValue(ctx context.Context) []string {
	if c, ok := ctx.Value(key{}).(*idContext); ok {
		return c.id[:]
	}
	return nil
}
