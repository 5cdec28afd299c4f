package logging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Syslog sends log records to a syslog receiver, each record as one
// message with the severity of its level. Sending happens on a goroutine
// of its own behind a bounded queue, so a slow or absent receiver never
// holds up a request. While the receiver is unreachable (at start or
// later) records are not sent (they still reach stdout through the other
// handler), the outage is logged once, and each new record retries the
// connection with a growing delay.
type Syslog struct {
	addr     string
	networks []string
	address  string
	tag      string
	// notices receives what the sink says about itself; it must not lead
	// back into the sink.
	notices *slog.Logger

	mu      sync.RWMutex // guards closed against sends on queue
	closed  bool
	queue   chan message
	done    chan struct{}
	dropped atomic.Int64

	// Owned by the sending goroutine.
	conn    syslogConn
	down    bool
	retryAt time.Time
	backoff time.Duration
}

type severity int

const (
	sevDebug severity = iota
	sevInfo
	sevWarning
	sevErr
)

type message struct {
	sev severity
	msg string
}

// syslogConn is one connection to the receiver (see syslog_unix.go).
type syslogConn interface {
	write(sev severity, msg string) error
	Close() error
}

const (
	queueSize    = 4096
	minBackoff   = 250 * time.Millisecond
	maxBackoff   = 10 * time.Second
	flushTimeout = 5 * time.Second
)

// ParseSyslogAddr splits udp://host:port, tcp://host:port or
// unix:///path into the networks to try and the address.
func ParseSyslogAddr(addr string) (networks []string, address string, err error) {
	u, err := url.Parse(addr)
	if err != nil {
		return nil, "", err
	}
	switch u.Scheme {
	case "udp", "tcp":
		if u.Host == "" || u.Port() == "" || u.Path != "" {
			return nil, "", fmt.Errorf("want %s://host:port", u.Scheme)
		}
		return []string{u.Scheme}, u.Host, nil
	case "unix":
		if u.Host != "" || u.Path == "" {
			return nil, "", errors.New("want unix:///path/to/socket, e.g. unix:///dev/log")
		}
		// /dev/log is a datagram socket; some receivers listen on a stream one.
		return []string{"unixgram", "unix"}, u.Path, nil
	}
	return nil, "", errors.New("want udp://host:port, tcp://host:port or unix:///path")
}

// OpenSyslog starts a sink for addr (see ParseSyslogAddr) whose messages
// carry tag. It connects in the background, so a receiver that is slow to
// answer does not hold up the start, and an unreachable one is not an
// error: notices says so and the sink keeps trying. Close flushes it.
func OpenSyslog(addr, tag string, notices *slog.Logger) (*Syslog, error) {
	networks, address, err := ParseSyslogAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("SYSLOG_ADDR %q: %w", addr, err)
	}
	if !syslogSupported {
		return nil, fmt.Errorf("SYSLOG_ADDR is set, but syslog is not supported on %s", runtime.GOOS)
	}
	s := &Syslog{
		addr: addr, networks: networks, address: address, tag: tag, notices: notices,
		queue: make(chan message, queueSize), done: make(chan struct{}), backoff: minBackoff,
	}
	go s.run()
	return s, nil
}

// Handler returns a JSON handler whose records go to the sink: the same
// JSON as on stdout, as the syslog message.
func (s *Syslog) Handler(level slog.Leveler) slog.Handler {
	h := &severityHandler{}
	for sev := range h.bySeverity {
		h.bySeverity[sev] = slog.NewJSONHandler(&severityWriter{s, severity(sev)}, &slog.HandlerOptions{Level: level})
	}
	return h
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
	if err := s.conn.write(m.sev, m.msg); err != nil {
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

func (s *Syslog) connect() error {
	var errs []error
	for _, network := range s.networks {
		conn, err := dialSyslog(network, s.address, s.tag)
		if err == nil {
			s.conn = conn
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
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

// severityWriter queues each JSON record at one severity.
type severityWriter struct {
	s   *Syslog
	sev severity
}

func (w *severityWriter) Write(p []byte) (int, error) {
	w.s.enqueue(message{sev: w.sev, msg: string(bytes.TrimRight(p, "\n"))})
	return len(p), nil
}

// severityHandler hands each record to the JSON handler of its severity.
type severityHandler struct {
	bySeverity [4]slog.Handler
}

func severityOf(l slog.Level) severity {
	switch {
	case l >= slog.LevelError:
		return sevErr
	case l >= slog.LevelWarn:
		return sevWarning
	case l >= slog.LevelInfo:
		return sevInfo
	}
	return sevDebug
}

func (h *severityHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.bySeverity[severityOf(l)].Enabled(ctx, l)
}

func (h *severityHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.bySeverity[severityOf(r.Level)].Handle(ctx, r)
}

func (h *severityHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := &severityHandler{}
	for i, inner := range h.bySeverity {
		out.bySeverity[i] = inner.WithAttrs(attrs)
	}
	return out
}

func (h *severityHandler) WithGroup(name string) slog.Handler {
	out := &severityHandler{}
	for i, inner := range h.bySeverity {
		out.bySeverity[i] = inner.WithGroup(name)
	}
	return out
}
