package ratelimit

import "github.com/prometheus/client_golang/prometheus"

// Collector exports the limiter's counts.
func (l *Limiter) Collector() prometheus.Collector { return collector{l} }

var (
	refusedDesc = prometheus.NewDesc("ratelimit_refused_requests_total", "Requests refused with 429 by the per-client rate limit.", nil, nil)
	failedDesc  = prometheus.NewDesc("ratelimit_store_errors_total", "Requests let through uncounted because the rate limit's shared store failed.", nil, nil)
)

type collector struct{ l *Limiter }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- refusedDesc
	ch <- failedDesc
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	refused, failed := c.l.Counts()
	ch <- prometheus.MustNewConstMetric(refusedDesc, prometheus.CounterValue, float64(refused))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.CounterValue, float64(failed))
}
