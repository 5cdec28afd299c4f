package ops

import (
	"math"
	"runtime/debug"
	"strconv"
	"testing"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	gogc, limit := TuneGC(func(string) string { return "" })
	if gogc != strconv.Itoa(DefaultGCPercent) || limit != "none" {
		t.Fatalf("TuneGC() = %q, %q without GOGC and GOMEMLIMIT, want %d, none", gogc, limit, DefaultGCPercent)
	}
	if got := debug.SetGCPercent(100); got != DefaultGCPercent {
		t.Fatalf("GC percent = %d without GOGC, want %d", got, DefaultGCPercent)
	}

	// With GOGC and GOMEMLIMIT set, the runtime applied them at start
	// (done by hand here): they stay.
	debug.SetGCPercent(50)
	debug.SetMemoryLimit(64 << 20)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "64MiB"}
	gogc, limit = TuneGC(func(k string) string { return env[k] })
	if gogc != "50" || limit != "67108864" {
		t.Fatalf("TuneGC() = %q, %q with GOGC=50 GOMEMLIMIT=64MiB", gogc, limit)
	}
	if got := debug.SetGCPercent(100); got != 50 {
		t.Fatalf("GC percent = %d with GOGC=50, want it left at 50", got)
	}
}
