//go:build !race

// Allocation counts are the race detector's too when it is on: this file
// is left out of make test-race.

package requestid

import (
	"context"
	"testing"
)

// What a request pays for its ID: New one allocation per batch, With one
// (the context, which the header value shares), From and HeaderValue none.
func TestRequestIDAllocations(t *testing.T) {
	if n := testing.AllocsPerRun(batchSize*10, func() { _ = New() }); n >= 1 {
		t.Errorf("New costs %v allocations per ID, want less than one (one per batch)", n)
	}
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { ctx = With(context.Background(), "abc") }); n != 1 {
		t.Errorf("With costs %v allocations, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = From(ctx), HeaderValue(ctx) }); n != 0 {
		t.Errorf("From and HeaderValue cost %v allocations, want 0", n)
	}
}
