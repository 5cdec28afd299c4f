// Package tracing sets up OpenTelemetry traces, exported over OTLP/HTTP.
//
// Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set. Those two are read through the
// lookupEnv run was given; the SDK reads the other standard variables from the
// process environment itself: OTEL_SERVICE_NAME (default: the binary's
// name), OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and its _ARG
// (default parentbased_always_on), OTEL_EXPORTER_OTLP_HEADERS and _TIMEOUT,
// OTEL_BSP_* for the batch processor.
package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Start returns the service's tracer provider, and flush, which exports the
// spans still queued, for at most the time it is given, and stops the
// exporter. Without an endpoint the provider is nil and flush does nothing:
// then nothing is instrumented, no exporter goroutine runs and no request
// allocates a span.
func Start(ctx context.Context, lookupEnv func(string) (string, bool), service string, logger *slog.Logger) (trace.TracerProvider, func(time.Duration), error) {
	endpoint, err := tracesEndpoint(lookupEnv)
	if err != nil || endpoint == "" {
		return nil, func(time.Duration) {}, err
	}
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(service)),
		// Last, so that OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	// The batch processor queues spans (2048 by default) and drops them
	// when the queue is full: a slow or unreachable collector never holds
	// up a request. The sampler comes from OTEL_TRACES_SAMPLER.
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(&reportingExporter{SpanExporter: exporter, logger: logger}),
		sdktrace.WithResource(res),
	)
	logger.Info("tracing on", "endpoint", endpoint)
	flush := func(timeout time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := provider.Shutdown(ctx); err != nil {
			logger.Warn("flushing traces", "error", err.Error())
		}
	}
	return provider, flush, nil
}

// tracesEndpoint is where spans are sent, as the OTLP exporter
// specification says: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or
// OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces appended; "" when neither is
// set.
func tracesEndpoint(lookupEnv func(string) (string, bool)) (string, error) {
	name := "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	endpoint, _ := lookupEnv(name)
	if endpoint == "" {
		name = "OTEL_EXPORTER_OTLP_ENDPOINT"
		endpoint, _ = lookupEnv(name)
	}
	if endpoint == "" {
		return "", nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("invalid %s=%q: must be an http:// or https:// URL (OTLP over HTTP)", name, endpoint)
	}
	if name == "OTEL_EXPORTER_OTLP_ENDPOINT" {
		return strings.TrimSuffix(endpoint, "/") + "/v1/traces", nil
	}
	return endpoint, nil
}

// reportingExporter logs the first failed export of an outage and the first
// success after it. It reports nothing to the batch processor, whose
// report would go through OpenTelemetry's global error handler once per
// batch for as long as the collector stays down.
type reportingExporter struct {
	sdktrace.SpanExporter
	logger  *slog.Logger
	failing atomic.Bool
}

func (e *reportingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := e.SpanExporter.ExportSpans(ctx, spans); err != nil {
		if !e.failing.Swap(true) {
			e.logger.Warn("trace export failed; spans are dropped until the collector answers",
				"error", err.Error(), "spans", len(spans))
		}
		return nil
	}
	if e.failing.Swap(false) {
		e.logger.Info("trace export works again")
	}
	return nil
}
