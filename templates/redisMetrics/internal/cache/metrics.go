package cache

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// poolCollector reports the client's connection pool as go-redis counts it,
// under the names of go-redis's own Prometheus exporter (redisprometheus,
// which the module proxy does not serve): redis_pool_*.
type poolCollector struct {
	rdb                               *redis.Client
	hits, misses, timeouts            *prometheus.Desc
	totalConns, idleConns, staleConns *prometheus.Desc
}

// Collector returns the pool statistics of rdb as Prometheus metrics.
func Collector(rdb *redis.Client) prometheus.Collector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("redis_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		rdb:        rdb,
		hits:       desc("hit_total", "Number of times a free connection was found in the pool."),
		misses:     desc("miss_total", "Number of times a free connection was not found in the pool."),
		timeouts:   desc("timeout_total", "Number of times a wait for a connection timed out."),
		totalConns: desc("conn_total_current", "Connections in the pool."),
		idleConns:  desc("conn_idle_current", "Idle connections in the pool."),
		staleConns: desc("conn_stale_total", "Number of stale connections removed from the pool."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.hits, c.misses, c.timeouts, c.totalConns, c.idleConns, c.staleConns} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.rdb.PoolStats()
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(c.timeouts, prometheus.CounterValue, float64(s.Timeouts))
	ch <- prometheus.MustNewConstMetric(c.totalConns, prometheus.GaugeValue, float64(s.TotalConns))
	ch <- prometheus.MustNewConstMetric(c.idleConns, prometheus.GaugeValue, float64(s.IdleConns))
	ch <- prometheus.MustNewConstMetric(c.staleConns, prometheus.CounterValue, float64(s.StaleConns))
}
