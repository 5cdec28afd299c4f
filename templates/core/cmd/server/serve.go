package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// While draining, the listener keeps accepting what the kernel has already
// queued until no connection has arrived for acceptQuiet (at most for
// acceptMax under a steady stream), then closes. Closing a listener with
// connections in its backlog resets them: the client sees "connection reset"
// or an empty reply for a request it had every reason to think was taken.
const (
	acceptQuiet = 50 * time.Millisecond
	acceptMax   = time.Second
)

// serving is an HTTP server running on a listener of ours.
type serving struct {
	srv    *http.Server
	ln     *drainListener
	busy   busyConns
	errc   chan error // Serve's result
	logger *slog.Logger
}

// startServing serves srv on ln in the background. The port answers from
// here on: run connects the stores afterwards.
func startServing(srv *http.Server, ln net.Listener, logger *slog.Logger) *serving {
	s := &serving{srv: srv, ln: &drainListener{Listener: ln}, busy: busyConns{conns: map[net.Conn]struct{}{}}, errc: make(chan error, 1), logger: logger}
	srv.ConnState = s.busy.track
	go func() { s.errc <- srv.Serve(s.ln) }()
	logger.Info("listening", "addr", ln.Addr().String())
	return s
}

// drain is the stop after a SIGTERM: /readyz already says "draining" (run
// set the state), and for delay everything else is still served, so that
// load balancers and Kubernetes take the instance out before it stops
// accepting. Then stop.
func (s *serving) drain(delay, timeout time.Duration) error {
	s.logger.Info("draining", "delay", delay.String())
	if delay > 0 {
		select {
		case <-time.After(delay):
		case err := <-s.errc:
			return err
		}
	}
	return s.stop(timeout)
}

// stop takes in the connections already queued, closes the listener, and
// gives in-flight requests up to timeout to finish. Past it, Close cuts
// them off (which cancels their contexts, so their store calls return
// before run closes the stores) and stop returns an error: the exit
// status tells a forced stop from a clean one.
func (s *serving) stop(timeout time.Duration) error {
	s.srv.SetKeepAlivesEnabled(false) // answers from now on say Connection: close
	s.ln.drain()
	if err := <-s.errc; !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// The listener is closed: new connections are refused from here on.
	s.logger.Info("shutting down", "timeout", timeout.String())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Wait for the busy connections before Shutdown: once it is called,
	// net/http drops a request it has not read yet, without an answer
	// ("socket hang up"), and a connection taken from the queue a moment
	// ago may not have been read.
	err := s.busy.wait(ctx)
	if err == nil {
		err = s.srv.Shutdown(ctx)
	}
	if err != nil {
		_ = s.srv.Close()
		return fmt.Errorf("shutdown: requests still running after %s were cut off: %w", timeout, err)
	}
	s.logger.Info("stopped")
	return nil
}

// busyConns are the connections that have a request to answer: new ones
// (not read yet) and active ones. Idle and closed ones are not busy.
type busyConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (b *busyConns) track(c net.Conn, state http.ConnState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if state == http.StateNew || state == http.StateActive {
		b.conns[c] = struct{}{}
	} else {
		delete(b.conns, c)
	}
}

// wait returns once no connection is busy, or with ctx's error.
func (b *busyConns) wait(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		b.mu.Lock()
		n := len(b.conns)
		b.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// drainListener is a listener whose drain empties the accept queue
// before closing (see acceptQuiet).
type drainListener struct {
	net.Listener
	draining atomic.Bool
	until    atomic.Int64 // UnixNano after which no deadline is extended
}

// deadliner is what *net.TCPListener offers to bound a blocked Accept.
type deadliner interface{ SetDeadline(time.Time) error }

// drain makes Accept return net.ErrClosed once the queue is empty.
func (l *drainListener) drain() {
	d, ok := l.Listener.(deadliner)
	if !ok {
		_ = l.Listener.Close() // cannot wait on this kind of listener
		return
	}
	now := time.Now()
	l.until.Store(now.Add(acceptMax).UnixNano())
	l.draining.Store(true)
	_ = d.SetDeadline(now.Add(acceptQuiet))
}

func (l *drainListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if !l.draining.Load() {
		return conn, err
	}
	d := l.Listener.(deadliner)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// Quiet for acceptQuiet. One last look, then close at once: what
		// arrives between the two is microseconds' worth, not the time it
		// took this goroutine to be woken after the deadline.
		var queued bool
		if conn, queued = acceptQueued(l.Listener); !queued {
			_ = l.Listener.Close()
			return nil, net.ErrClosed
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	// Another one came in: wait acceptQuiet more for the next.
	next := time.Now().Add(acceptQuiet)
	if until := time.Unix(0, l.until.Load()); next.After(until) {
		next = until
	}
	_ = d.SetDeadline(next)
	return conn, nil
}
