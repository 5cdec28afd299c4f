package config

import (
	"fmt"
	"net"
	"strings"
)

// applyMetricsAddr sets the Prometheus listener: empty or "off" disables
// it, any other value is host:port. An empty host (all interfaces) is the
// default: Prometheus scrapes from another host or pod.
func applyMetricsAddr(c *Config, v string) error {
	if v == "" || strings.EqualFold(v, "off") {
		c.MetricsAddr = ""
		return nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("%q is not host:port: %w", v, err)
	}
	c.MetricsAddr = v
	return nil
}
