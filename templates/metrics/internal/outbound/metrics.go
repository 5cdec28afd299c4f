package outbound

import "github.com/prometheus/client_golang/prometheus"

// Collector reports the circuit breaker's state as
// outbound_circuit_breaker_state{breaker="<Config.Name>"}: 0 closed,
// 1 half-open, 2 open (gobreaker's own numbering).
func (c *Client) Collector() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "outbound_circuit_breaker_state",
		Help:        "State of the outbound client's circuit breaker: 0 closed, 1 half-open, 2 open.",
		ConstLabels: prometheus.Labels{"breaker": c.breaker.Name()},
	}, func() float64 { return float64(c.breaker.State()) })
}
