// Package requestid carries the X-Request-ID of a request through its
// context, so logs and outbound calls can name it.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
)

// Header is the HTTP header that carries the ID in and out (X-Request-ID;
// header names are case-insensitive). It is spelled in Go's canonical form
// so that Header.Get and Header.Set take it as it is: any other spelling is
// re-cased into a new string on every request, twice.
const Header = "X-Request-Id"

type key struct{}

// IDs are a random per-process prefix and a counter: unique across
// processes and restarts without reading crypto/rand on every request.
var (
	prefix  = randomPrefix()
	counter atomic.Uint64
)

func randomPrefix() [8]byte {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return b
}

// New returns a fresh ID: 32 hex digits.
func New() string {
	var raw [16]byte
	copy(raw[:8], prefix[:])
	binary.BigEndian.PutUint64(raw[8:], counter.Add(1))
	var out [32]byte
	hex.Encode(out[:], raw[:])
	return string(out[:])
}

// Valid reports whether a client-sent ID is safe to echo and log:
// 1 to 64 characters of letters, digits, '-', '_', '.' or ':'.
func Valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// From returns the ID in ctx, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}
