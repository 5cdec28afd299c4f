package database

import (
	"go.opentelemetry.io/otel/trace"
	"gorm.io/plugin/opentelemetry/tracing"
)

// TraceQueries makes every GORM query a child span ("gorm.Query",
// "gorm.Create", ...) of the request whose context it runs with. The
// statement is recorded with its placeholders, never its values: no user
// data in spans. The plugin's own pool metrics are off: an OpenTelemetry
// meter is not what the service exports them with.
func (db *DB) TraceQueries(tp trace.TracerProvider) error {
	return db.Gorm.Use(tracing.NewPlugin(
		tracing.WithTracerProvider(tp),
		tracing.WithoutQueryVariables(),
		tracing.WithoutMetrics(),
	))
}
