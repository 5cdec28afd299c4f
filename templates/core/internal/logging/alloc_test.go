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

	"go.opentelemetry.io/otel/trace"
)

// A record of up to five attributes (the ones slog.Record holds inline),
// logged with a request's context, costs no allocation: not the encoding,
// nor the request ID or trace taken from the context, nor the write.
func TestRecordsCostNoAllocation(t *testing.T) {
	h := JSON(io.Discard, slog.LevelInfo)
	ctx := trace.ContextWithSpanContext(requestIDContext("0123456789abcdef0123456789abcdef"), testSpan)
	record := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	record.AddAttrs(slog.String("method", "GET"), slog.String("route", "/api/v1/items/:id"),
		slog.Int("status", 200), slog.Int64("duration_us", 42), slog.String("client_ip", "192.0.2.1"))
	if n := testing.AllocsPerRun(200, func() { _ = h.Handle(ctx, record) }); n != 0 {
		t.Fatalf("a record costs %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() { _ = h.Handle(context.Background(), record) }); n != 0 {
		t.Fatalf("a record without a request costs %v allocations, want 0", n)
	}
}
