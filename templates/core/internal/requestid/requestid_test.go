package requestid

import (
	"context"
	"testing"
)

func TestNewIsUniqueAndValid(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := New()
		if len(id) != 32 || !Valid(id) {
			t.Fatalf("New() = %q", id)
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

func TestContextRoundTrip(t *testing.T) {
	ctx := With(context.Background(), "abc")
	if From(ctx) != "abc" || From(context.Background()) != "" {
		t.Fatal("With/From do not round-trip")
	}
}
