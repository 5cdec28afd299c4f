package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestMemoryRefusesPastTheBurstPerClient(t *testing.T) {
	l := New(60, 3) // one a second, three at once
	for i := range 3 {
		if d, ok := l.Take(context.Background(), "a"); !ok || !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v, want allowed with %d remaining", i+1, d, 2-i)
		}
	}
	d, _ := l.Take(context.Background(), "a")
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > time.Second {
		t.Fatalf("4th request: %+v, want refused, retry within 1s", d)
	}
	if d, _ := l.Take(context.Background(), "b"); !d.Allowed {
		t.Fatal("another client was refused")
	}
	if refused, failed := l.Counts(); refused != 1 || failed != 0 {
		t.Fatalf("counts = %d refused, %d failed; want 1, 0", refused, failed)
	}
}

type failing struct{}

func (failing) Take(context.Context, string) (Decision, error) { return Decision{}, errors.New("down") }

// A store that fails lets the request through, and is counted.
func TestStoreFailureLetsRequestsThrough(t *testing.T) {
	l := New(1, 1)
	l.Use(failing{})
	if d, ok := l.Take(context.Background(), "a"); ok || !d.Allowed {
		t.Fatalf("Take = %+v, %v; want allowed, not ok", d, ok)
	}
	if _, failed := l.Counts(); failed != 1 {
		t.Fatalf("failed = %d, want 1", failed)
	}
}
