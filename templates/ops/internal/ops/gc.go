package ops

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
)

// The GOGC this service runs with when the environment sets none, by the
// size of the live heap: SmallHeapGCPercent while it is under SmallHeap,
// LargeHeapGCPercent from there on.
//
// Go starts a collection when the heap has grown GOGC% over what the last
// one kept, but never before it reaches 4 MB x GOGC/100. This service keeps
// 1 to 2 MB live (Gin, the database driver, their tables), so at Go's
// default of 100 it collects after every ~2 MB allocated: dozens of cycles a
// second under load, each one marking the whole live heap on a core that
// requests were using. At 400 the floor is 16 MB, and the collector marks
// a quarter as often as at 100; with one core per service, the p99 under load
// came to 1.05x that of a bare gin.Default() app against 1.2x at 200 (see
// bench/README.md in create-gin-app). A floor that size costs nothing
// worth counting, but 400 also lets a large heap grow to 5x what is live,
// so past SmallHeap the service goes back to 200: a peak of 3x the live
// heap, against 2x at Go's default. GOMEMLIMIT (set in docker-compose.yml
// from the container's memory limit) makes the collector work harder
// before either peak could get the container OOM-killed.
const (
	SmallHeapGCPercent = 400
	LargeHeapGCPercent = 200
	SmallHeap          = 4 << 20
)

// TuneGC applies the policy above unless GOGC is set in the environment,
// which the runtime has then already applied, and keeps it up to date after
// each collection until ctx is done. It returns the GOGC in force, as GOGC
// spells it or as the policy reads, and the memory limit from GOMEMLIMIT
// ("none" without one), for the startup log.
func TuneGC(ctx context.Context, getenv func(string) string) (gogc, memoryLimit string) {
	gogc = getenv("GOGC")
	if gogc == "" {
		adjustGCPercent()
		afterEachGC(ctx, adjustGCPercent)
		gogc = strconv.Itoa(SmallHeapGCPercent) + " under " + strconv.Itoa(SmallHeap>>20) + " MiB live, then " + strconv.Itoa(LargeHeapGCPercent)
	}
	memoryLimit = "none"
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 { // a negative limit only reads it
		memoryLimit = strconv.FormatInt(limit, 10)
	}
	return gogc, memoryLimit
}

// adjustGCPercent sets GOGC for the heap the last collection left live.
func adjustGCPercent() {
	percent := SmallHeapGCPercent
	if liveHeap() >= SmallHeap {
		percent = LargeHeapGCPercent
	}
	debug.SetGCPercent(percent)
}

func liveHeap() uint64 {
	sample := make([]metrics.Sample, 1)
	sample[0].Name = "/gc/heap/live:bytes"
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// afterEachGC calls f after every collection until ctx is done: a cleanup
// runs once the collector has found its object unreachable, and each run
// arms the next one with a new object.
func afterEachGC(ctx context.Context, f func()) {
	sentinel := new([64]byte) // not a tiny allocation, which shares its memory with others
	runtime.AddCleanup(sentinel, func(struct{}) {
		if ctx.Err() == nil {
			f()
			afterEachGC(ctx, f)
		}
	}, struct{}{})
}
