package ops

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func gcPercent() uint64 {
	sample := make([]metrics.Sample, 1)
	sample[0].Name = "/gc/gogc:percent"
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// waitForGCPercent collects until the policy has caught up with the heap.
func waitForGCPercent(t *testing.T, want uint64, why string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if gcPercent() == want {
			return
		}
	}
	t.Fatalf("GOGC = %d %s, want %d", gcPercent(), why, want)
}

var retained []byte

func TestTuneGCFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	gogc, limit := TuneGC(ctx, func(string) string { return "" })
	if gogc != "400 under 4 MiB live, then 200" || limit != "none" {
		t.Fatalf("TuneGC() = %q, %q without GOGC and GOMEMLIMIT", gogc, limit)
	}
	waitForGCPercent(t, SmallHeapGCPercent, "with a small live heap")

	retained = make([]byte, 2*SmallHeap)
	waitForGCPercent(t, LargeHeapGCPercent, "with 8 MiB more live")
	retained = nil
	waitForGCPercent(t, SmallHeapGCPercent, "once the 8 MiB are garbage")

	// Once ctx is done, the policy stops adjusting GOGC.
	cancel()
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond) // a cleanup that was already past its ctx check
	debug.SetGCPercent(150)
	retained = make([]byte, 2*SmallHeap)
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	retained = nil
	if got := gcPercent(); got != 150 {
		t.Fatalf("GOGC = %d after ctx was done, want 150 as set by hand", got)
	}
}

func TestTuneGCKeepsTheEnvironment(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	// With GOGC and GOMEMLIMIT set, the runtime applied them at start
	// (done by hand here): they stay.
	debug.SetGCPercent(50)
	debug.SetMemoryLimit(64 << 20)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "64MiB"}
	gogc, limit := TuneGC(context.Background(), func(k string) string { return env[k] })
	if gogc != "50" || limit != "67108864" {
		t.Fatalf("TuneGC() = %q, %q with GOGC=50 GOMEMLIMIT=64MiB", gogc, limit)
	}
	runtime.GC()
	runtime.GC()
	if got := gcPercent(); got != 50 {
		t.Fatalf("GOGC = %d with GOGC=50, want it left at 50", got)
	}
}
