package requestid

import (
	"context"
	"strings"
	"sync"
	"testing"
)

func TestNewIsUniqueAndValid(t *testing.T) {
	// From several goroutines at once, across many batches.
	const goroutines, each = 8, 1000
	ids := make(chan string, goroutines*each)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				ids <- New()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if len(id) != 32 || !Valid(id) || strings.Trim(id, "0123456789abcdef") != "" {
			t.Fatalf("New() = %q, want 32 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestValid(t *testing.T) {
	for id, want := range map[string]bool{
		"abc-123":                true,
		"a.b_c:d":                true,
		"":                       false,
		"bad id":                 false,
		"line\nbreak":            false,
		string(make([]byte, 65)): false,
	} {
		if got := Valid(id); got != want {
			t.Errorf("Valid(%q) = %v, want %v", id, got, want)
		}
	}
}

type otherKey struct{}

func TestContextRoundTrip(t *testing.T) {
	ctx := With(context.WithValue(context.Background(), otherKey{}, "x"), "abc")
	// Further contexts derived from it keep the ID; its parent's values stay.
	ctx, cancel := context.WithCancel(context.WithValue(ctx, otherKey{}, "y"))
	defer cancel()
	if From(ctx) != "abc" || From(context.Background()) != "" || ctx.Value(otherKey{}) != "y" {
		t.Fatal("With/From do not round-trip")
	}
	if v := HeaderValue(ctx); len(v) != 1 || v[0] != "abc" || HeaderValue(context.Background()) != nil {
		t.Fatalf("HeaderValue = %q", v)
	}
}
