//go:build !race

// Allocation counts are the race detector's too when it is on: this file
// is left out of make test-race.

package logging

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// Without a trace (tracing off), the wrapper adds no allocation to a
// record: the same as the JSON handler alone.
func TestUntracedRecordsCostNoAllocation(t *testing.T) {
	inner := JSON(io.Discard, slog.LevelInfo)
	wrapped := WithRequest(inner)
	ctx := context.Background()
	record := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	record.AddAttrs(slog.Int("status", 200))
	alone := testing.AllocsPerRun(200, func() { _ = inner.Handle(ctx, record) })
	withWrapper := testing.AllocsPerRun(200, func() { _ = wrapped.Handle(ctx, record) })
	if withWrapper != alone {
		t.Fatalf("a record costs %v allocations through WithRequest, %v without", withWrapper, alone)
	}
}
