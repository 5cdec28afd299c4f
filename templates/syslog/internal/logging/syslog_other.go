//go:build windows || plan9

package logging

import (
	"errors"
	"runtime"
)

// log/syslog does not exist here; OpenSyslog refuses SYSLOG_ADDR.
const syslogSupported = false

func dialSyslog(network, addr, tag string) (syslogConn, error) {
	return nil, errors.New("syslog is not supported on " + runtime.GOOS)
}
