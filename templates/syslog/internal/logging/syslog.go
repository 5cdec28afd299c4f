package logging

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Syslog sends log records to a syslog receiver, each record as one
// message (RFC 3164 framing, facility daemon, the severity of its level).
// Sending happens on a goroutine of its own behind a bounded queue, and
// each write has a deadline, so a slow, stalled or absent receiver never
// holds up a request. While the receiver is unreachable (at start or
// later) records are not sent (they still reach stdout through the other
// handler), the outage is logged once, and each new record retries the
// connection with a growing delay: one dial per attempt.
type Syslog struct {
	network  string
	address  string
	local    bool // a unix socket
	addr     string
	tag      string
	hostname string
	// notices receives what the sink says about itself; it must not lead
	// back into the sink.
	notices *slog.Logger

	mu      sync.RWMutex // guards closed against sends on queue
	closed  bool
	queue   chan message
	done    chan struct{}
	dropped atomic.Int64

	// Owned by the sending goroutine.
	conn    net.Conn
	down    bool
	retryAt time.Time
	backoff time.Duration
}

const facilityDaemon = 3 << 3

type message struct {
	severity int
	msg      string
}

const (
	queueSize    = 4096
	dialTimeout  = 5 * time.Second
	writeTimeout = 2 * time.Second
	minBackoff   = 250 * time.Millisecond
	maxBackoff   = 10 * time.Second
	flushTimeout = 5 * time.Second
)

// ParseSyslogAddr splits udp://host:port, tcp://host:port or
// unix:///path into a network and an address.
func ParseSyslogAddr(addr string) (network, address string, err error) {
	u, err := url.Parse(addr)
	if err != nil {
		return "", "", err
	}
	switch u.Scheme {
	case "udp", "tcp":
		if u.Host == "" || u.Port() == "" || u.Path != "" {
			return "", "", fmt.Errorf("want %s://host:port", u.Scheme)
		}
		return u.Scheme, u.Host, nil
	case "unix":
		if u.Host != "" || u.Path == "" {
			return "", "", errors.New("want unix:///path/to/socket, e.g. unix:///dev/log")
		}
		return "unixgram", u.Path, nil
	}
	return "", "", errors.New("want udp://host:port, tcp://host:port or unix:///path")
}

// OpenSyslog starts a sink for addr (see ParseSyslogAddr) whose messages
// carry tag. It connects in the background, so a receiver that is slow to
// answer does not hold up the start, and an unreachable one is not an
// error: notices says so and the sink keeps trying. Close flushes it.
func OpenSyslog(addr, tag string, notices *slog.Logger) (*Syslog, error) {
	network, address, err := ParseSyslogAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("SYSLOG_ADDR %q: %w", addr, err)
	}
	hostname, _ := os.Hostname()
	s := &Syslog{
		network: network, address: address, local: network == "unixgram", addr: addr, tag: tag, hostname: hostname, notices: notices,
		queue: make(chan message, queueSize), done: make(chan struct{}), backoff: minBackoff,
	}
	go s.run()
	return s, nil
}

// Handler returns a JSON handler whose records go to the sink: the same
// JSON as on stdout (request ID included), as the syslog message.
func (s *Syslog) Handler(level slog.Leveler) slog.Handler {
	return JSON(sinkWriter{s}, level)
}

// Close sends what is queued (for at most a few seconds) and disconnects.
func (s *Syslog) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	select {
	case <-s.done:
		return nil
	case <-time.After(flushTimeout):
		return errors.New("syslog: gave up flushing after " + flushTimeout.String())
	}
}

func (s *Syslog) enqueue(m message) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return
	}
	select {
	case s.queue <- m:
	default:
		s.dropped.Add(1)
	}
}

func (s *Syslog) run() {
	defer close(s.done)
	if err := s.connect(); err != nil {
		s.failed(err)
	} else {
		s.notices.Info("logging to syslog", "addr", s.addr)
	}
	for m := range s.queue {
		s.send(m)
	}
	if s.conn != nil {
		_ = s.conn.Close()
	}
}

func (s *Syslog) send(m message) {
	if s.conn == nil {
		if time.Now().Before(s.retryAt) {
			return // still down; the record is on stdout
		}
		if err := s.connect(); err != nil {
			s.failed(err)
			return
		}
	}
	// The framing log/syslog uses: the receiver of a local socket knows
	// the host, and takes the traditional timestamp.
	header := time.Now().Format(time.RFC3339) + " " + s.hostname
	if s.local {
		header = time.Now().Format(time.Stamp)
	}
	line := fmt.Sprintf("<%d>%s %s[%d]: %s\n", facilityDaemon|m.severity, header, s.tag, os.Getpid(), m.msg)
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := io.WriteString(s.conn, line); err != nil {
		_ = s.conn.Close()
		s.conn = nil
		s.failed(err)
		return
	}
	if s.down {
		s.down, s.backoff = false, minBackoff
		s.notices.Info("syslog reachable again", "addr", s.addr)
	}
	if n := s.dropped.Swap(0); n > 0 {
		s.notices.Warn("syslog queue was full; records dropped from syslog (they are on stdout)", "addr", s.addr, "count", n)
	}
}

func (s *Syslog) connect() (err error) {
	s.conn, err = net.DialTimeout(s.network, s.address, dialTimeout)
	if errors.Is(err, syscall.EPROTOTYPE) {
		// /dev/log is a datagram socket, but a receiver may listen on a
		// stream one, which refuses a datagram connection as the wrong type.
		s.conn, err = net.DialTimeout("unix", s.address, dialTimeout)
	}
	return err
}

// failed notes an outage: said once, then retried with a growing delay.
func (s *Syslog) failed(err error) {
	if !s.down {
		s.down = true
		s.notices.Warn("syslog unreachable; logging to stdout only until it is back", "addr", s.addr, "error", err.Error())
	}
	s.retryAt = time.Now().Add(s.backoff)
	s.backoff = min(2*s.backoff, maxBackoff)
}

// sinkWriter queues each JSON record with the syslog severity of its level.
type sinkWriter struct{ s *Syslog }

func (w sinkWriter) Write(p []byte) (int, error) {
	w.s.enqueue(message{severity: severity(p), msg: string(bytes.TrimRight(p, "\n"))})
	return len(p), nil
}

// severity maps the level of a JSON record (the handler writes it right
// after the time) to syslog's: err, warning, info or debug.
func severity(record []byte) int {
	_, rest, _ := bytes.Cut(record, []byte(`"level":"`))
	switch {
	case bytes.HasPrefix(rest, []byte("ERROR")):
		return 3
	case bytes.HasPrefix(rest, []byte("WARN")):
		return 4
	case bytes.HasPrefix(rest, []byte("INFO")):
		return 6
	}
	return 7
}
