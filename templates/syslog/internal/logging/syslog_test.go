package logging

import (
	"bytes"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to read while the sink's goroutine
// writes its notices.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func readPacket(t *testing.T, conn net.PacketConn) string {
	t.Helper()
	buf := make([]byte, 64<<10)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := conn.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no syslog message: %v", err)
	}
	return string(buf[:n])
}

func TestSyslogSeveritiesOverUDP(t *testing.T) {
	t.Parallel()
	receiver, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Close()
	var stdout, notices lockedBuffer
	sink, err := OpenSyslog("udp://"+receiver.LocalAddr().String(), "svc", New(&notices, slog.LevelInfo))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewMultiHandler(New(&stdout, slog.LevelDebug).Handler(), sink.Handler(slog.LevelDebug))).With("component", "test")
	logger.Debug("d")
	logger.Info("i")
	logger.Warn("w")
	logger.Error("e")
	// Daemon facility (3): PRI = 3*8 + severity.
	for _, want := range []string{"<31>", "<30>", "<28>", "<27>"} {
		msg := readPacket(t, receiver)
		if !strings.HasPrefix(msg, want) || !strings.Contains(msg, " svc[") || !strings.Contains(msg, `"component":"test"`) {
			t.Errorf("got %q, want priority %s, tag svc and the record's JSON", msg, want)
		}
	}
	if n := strings.Count(stdout.String(), "\n"); n != 4 {
		t.Errorf("stdout got %d records, want 4:\n%s", n, stdout.String())
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSyslogUnreachableThenBack(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log.sock")
	var notices lockedBuffer
	sink, err := OpenSyslog("unix://"+path, "svc", New(&notices, slog.LevelInfo))
	if err != nil {
		t.Fatalf("an absent receiver must not stop the service: %v", err)
	}
	defer sink.Close()
	logger := slog.New(sink.Handler(slog.LevelInfo))
	deadline := time.After(5 * time.Second)
	for !strings.Contains(notices.String(), "syslog unreachable") {
		select {
		case <-deadline:
			t.Fatalf("outage not reported:\n%s", notices.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	for range 5 {
		logger.Info("lost")
	}

	receiver, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Close()
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := receiver.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	deadline = time.After(15 * time.Second)
	for done := false; !done; {
		logger.Info("back")
		select {
		case msg := <-got:
			done = strings.Contains(msg, `"msg":"back"`)
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no reconnect; notices:\n%s", notices.String())
		}
	}
	if n := strings.Count(notices.String(), "syslog unreachable"); n != 1 {
		t.Errorf("outage reported %d times, want once:\n%s", n, notices.String())
	}
	deadline = time.After(5 * time.Second)
	for !strings.Contains(notices.String(), "syslog reachable again") {
		select {
		case <-deadline:
			t.Fatalf("recovery not reported:\n%s", notices.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestSyslogOverTCPReconnects(t *testing.T) {
	t.Parallel()
	receiver, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := receiver.Addr().String()
	lines := make(chan string, 100)
	var mu sync.Mutex
	var conns []net.Conn
	accept := func(ln net.Listener) {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			go func() {
				defer conn.Close()
				buf := make([]byte, 64<<10)
				var pending string
				for {
					n, err := conn.Read(buf)
					if err != nil {
						return
					}
					pending += string(buf[:n])
					for {
						line, rest, found := strings.Cut(pending, "\n")
						if !found {
							break
						}
						lines <- line
						pending = rest
					}
				}
			}()
		}
	}
	go accept(receiver)

	var notices lockedBuffer
	sink, err := OpenSyslog("tcp://"+addr, "svc", New(&notices, slog.LevelInfo))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	logger := slog.New(sink.Handler(slog.LevelInfo))
	logger.Error("first")
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "<27>") || !strings.Contains(line, `"msg":"first"`) {
			t.Fatalf("got %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message over TCP")
	}

	// The receiver restarts on the same address: the sink reconnects.
	receiver.Close()
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	restarted, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	defer restarted.Close()
	go accept(restarted)
	deadline := time.After(15 * time.Second)
	for {
		logger.Info("again")
		select {
		case line := <-lines:
			if strings.Contains(line, `"msg":"again"`) {
				if n := strings.Count(notices.String(), "syslog unreachable"); n > 1 {
					t.Errorf("outage reported %d times:\n%s", n, notices.String())
				}
				return
			}
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no reconnect over TCP; notices:\n%s", notices.String())
		}
	}
}

func TestParseSyslogAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"udp://127.0.0.1:514": "udp 127.0.0.1:514",
		"tcp://logs:601":      "tcp logs:601",
		"unix:///dev/log":     "unixgram /dev/log",
	} {
		network, address, err := ParseSyslogAddr(addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if got := network + " " + address; got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
	for _, bad := range []string{"127.0.0.1:514", "udp://host", "http://x:1", "unix://relative", "tcp://:"} {
		if _, _, err := ParseSyslogAddr(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// A receiver that accepts the connection but stops reading fills the
// socket buffers: each write then gives up at its deadline, the records
// are dropped from syslog (never from stdout), and logging never blocks.
func TestSyslogStalledReceiverNeverBlocks(t *testing.T) {
	t.Parallel()
	receiver, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if conn, err := receiver.Accept(); err == nil {
			accepted <- conn // never read
		}
	}()
	var notices lockedBuffer
	sink, err := OpenSyslog("tcp://"+receiver.Addr().String(), "svc", New(&notices, slog.LevelInfo))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(sink.Handler(slog.LevelInfo))
	big := strings.Repeat("x", 16<<10)
	var slowest time.Duration
	for range 750 { // 12 MB: more than the socket buffers hold
		start := time.Now()
		logger.Info(big)
		slowest = max(slowest, time.Since(start))
	}
	if slowest > time.Second {
		t.Errorf("a log call took %v with a stalled receiver", slowest)
	}
	deadline := time.After(15 * time.Second)
	for !strings.Contains(notices.String(), "syslog unreachable") {
		select {
		case <-deadline:
			t.Fatalf("the stalled write never timed out:\n%s", notices.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if conn := <-accepted; conn != nil {
		conn.Close()
	}
	_ = sink.Close()
}
