package retry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestDelayGrowsWithJitterAndCap(t *testing.T) {
	p := Policy{Attempts: 10, Base: 100 * time.Millisecond, Max: time.Second}
	cases := []struct {
		n        int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{5, 500 * time.Millisecond, time.Second}, // 1.6s, capped
		{60, 500 * time.Millisecond, time.Second},
	}
	for _, c := range cases {
		lo, hi := Delay(p, c.n, 0), Delay(p, c.n, 0.999999)
		if lo != c.min || hi > c.max || hi < c.max-time.Millisecond {
			t.Errorf("Delay(n=%d) in [%v, %v], want [%v, %v)", c.n, lo, hi, c.min, c.max)
		}
	}
}

func TestDoRetriesUntilSuccess(t *testing.T) {
	calls := 0
	err := Do(context.Background(), Policy{Attempts: 5, Base: time.Millisecond}, discard, "thing", func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("refused")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err=%v calls=%d", err, calls)
	}
}

func TestDoGivesUpWithAClearError(t *testing.T) {
	calls := 0
	err := Do(context.Background(), Policy{Attempts: 3, Base: time.Millisecond}, discard, "thing", func(context.Context) error {
		calls++
		return errors.New("connection refused")
	})
	if calls != 3 || err == nil || !strings.Contains(err.Error(), "thing unreachable after 3 attempts") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("calls=%d err=%v", calls, err)
	}
}

func TestDoStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	time.AfterFunc(20*time.Millisecond, cancel)
	err := Do(ctx, Policy{Attempts: 100, Base: time.Hour}, discard, "thing", func(context.Context) error {
		return errors.New("down")
	})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("err=%v after %v", err, time.Since(start))
	}
}
