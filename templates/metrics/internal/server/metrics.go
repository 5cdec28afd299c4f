package server

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP server's Prometheus instruments. Their names and
// labels are the OpenTelemetry HTTP semantic conventions as a Prometheus
// exporter writes them, so dashboards and alerts made for those work here.
type Metrics struct {
	registry prometheus.Registerer
	// http_server_request_duration_seconds{http_request_method, http_route, http_response_status_code}
	duration *prometheus.HistogramVec
	// http_server_active_requests
	active prometheus.Gauge

	// series caches duration's series by label values. A request looks its
	// own up in a map that is never written once published (a new series
	// publishes a copy), instead of formatting its status code and hashing
	// its three label values under the vector's lock. The labels are
	// bounded (route templates, known methods, status codes), so is the map.
	mu     sync.Mutex
	series atomic.Pointer[map[labels]prometheus.Observer]
}

type labels struct {
	method, route string
	status        int
}

// unmatchedRoute is the http_route of every request no route matched
// (404s, and everything but the health routes while starting): one series
// for all of them, whatever paths a scanner tries.
const unmatchedRoute = "unmatched"

// NewMetrics registers the HTTP instruments on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		registry: reg,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_server_request_duration_seconds",
			Help: "Duration of HTTP server requests, by method, route template and status code.",
			// The semantic conventions' advice for http.server.request.duration.
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10},
		}, []string{"http_request_method", "http_route", "http_response_status_code"}),
		active: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_server_active_requests",
			Help: "Number of HTTP server requests in flight.",
		}),
	}
	m.series.Store(&map[labels]prometheus.Observer{})
	for _, c := range []prometheus.Collector{m.duration, m.active} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Register adds c (a store's pool statistics, the outbound breaker) to the
// registry the metrics listener serves.
func (m *Metrics) Register(c prometheus.Collector) error {
	return m.registry.Register(c)
}

// measure counts the requests in flight and observes each one's duration
// by method, route template (c.FullPath(), never the raw path) and status.
func measure(m *Metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		m.active.Inc()
		defer m.active.Dec()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = unmatchedRoute
		}
		m.observer(labels{knownMethod(c.Request.Method), route, c.Writer.Status()}).Observe(time.Since(start).Seconds())
	}
}

// observer returns the duration series of l.
func (m *Metrics) observer(l labels) prometheus.Observer {
	if o, ok := (*m.series.Load())[l]; ok {
		return o
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.series.Load()
	if o, ok := old[l]; ok {
		return o
	}
	o := m.duration.WithLabelValues(l.method, l.route, strconv.Itoa(l.status))
	next := make(map[labels]prometheus.Observer, len(old)+1)
	maps.Copy(next, old)
	next[l] = o
	m.series.Store(&next)
	return o
}

// knownMethod is method if it is one of HTTP's, else "_OTHER" (as the
// conventions say), so invented methods cannot add series either.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "_OTHER"
}
