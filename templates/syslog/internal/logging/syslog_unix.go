//go:build !windows && !plan9

package logging

import (
	"log/syslog"
	"net"
	"time"
)

const syslogSupported = true

type unixSyslog struct {
	w *syslog.Writer
}

// dialTimeout bounds a TCP connect: log/syslog dials without a timeout,
// which a receiver that drops packets would stretch to minutes.
const dialTimeout = 5 * time.Second

// dialSyslog connects with log/syslog; messages use the daemon facility.
func dialSyslog(network, addr, tag string) (syslogConn, error) {
	if network == "tcp" {
		probe, err := net.DialTimeout(network, addr, dialTimeout)
		if err != nil {
			return nil, err
		}
		_ = probe.Close()
	}
	w, err := syslog.Dial(network, addr, syslog.LOG_DAEMON|syslog.LOG_INFO, tag)
	if err != nil {
		return nil, err
	}
	return &unixSyslog{w: w}, nil
}

func (c *unixSyslog) write(sev severity, msg string) error {
	switch sev {
	case sevErr:
		return c.w.Err(msg)
	case sevWarning:
		return c.w.Warning(msg)
	case sevInfo:
		return c.w.Info(msg)
	}
	return c.w.Debug(msg)
}

func (c *unixSyslog) Close() error { return c.w.Close() }
