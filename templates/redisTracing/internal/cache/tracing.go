package cache

import (
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"
)

// TraceCommands makes every command a child span, named after it ("incr"),
// of the request whose context it runs with (redisotel). Arguments are not
// recorded: no user data in spans. PING, which only the readiness check
// sends, is left out (like AUTH), so probes start no traces of their own.
func TraceCommands(rdb *redis.Client, tp trace.TracerProvider) error {
	return redisotel.InstrumentTracing(rdb,
		redisotel.WithTracerProvider(tp),
		redisotel.WithDBStatement(false),
		redisotel.WithCommandFilter(func(cmd redis.Cmder) bool {
			return cmd.Name() == "ping" || redisotel.DefaultCommandFilter(cmd)
		}),
	)
}
