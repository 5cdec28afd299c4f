package ops

import (
	"math"
	"runtime/debug"
	"strconv"
)

// DefaultGCPercent is the GOGC this service runs with when the environment
// sets none.
//
// Go starts a collection when the heap has grown GOGC% over what the last
// one kept, but never before it reaches 4 MB x GOGC/100. This service keeps
// 1 to 2 MB live (Gin, the database driver, their tables), so at Go's
// default of 100 it collects after every ~2 MB allocated: dozens of cycles a
// second under load, each one marking the whole live heap on a core that
// requests were using. At 200 the floor is 8 MB and there are about a third
// as many cycles: the p99 under load was 1.26x that of a bare gin.Default()
// app at 100, and 1.08x at 200. The cost is a peak heap of 3x the live heap
// instead of 2x; GOMEMLIMIT (set in docker-compose.yml from the container's
// memory limit) makes the collector work harder before that peak could get
// the container OOM-killed.
const DefaultGCPercent = 200

// TuneGC applies DefaultGCPercent unless GOGC is set in the environment,
// which the runtime has then already applied. It returns the GOGC in force,
// as GOGC spells it, and the memory limit from GOMEMLIMIT ("none" without
// one), for the startup log.
func TuneGC(getenv func(string) string) (gogc, memoryLimit string) {
	gogc = getenv("GOGC")
	if gogc == "" {
		debug.SetGCPercent(DefaultGCPercent)
		gogc = strconv.Itoa(DefaultGCPercent)
	}
	memoryLimit = "none"
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 { // a negative limit only reads it
		memoryLimit = strconv.FormatInt(limit, 10)
	}
	return gogc, memoryLimit
}
