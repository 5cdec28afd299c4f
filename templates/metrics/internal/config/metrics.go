package config

import (
	"fmt"
	"net"
	"strings"
)

// checkHostPort allows host:port for the Prometheus listener; empty or
// "off" disables it. An empty host (all interfaces) is the default:
// Prometheus scrapes from another host or pod.
func checkHostPort(v string) (string, error) {
	if v == "" || strings.EqualFold(v, "off") {
		return "", nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return "", fmt.Errorf("%q is not host:port: %w", v, err)
	}
	return v, nil
}
