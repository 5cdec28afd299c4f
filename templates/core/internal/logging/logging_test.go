package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWriterLogsOneCleanRecordPerWrite(t *testing.T) {
	var out bytes.Buffer
	w := Writer(New(&out, slog.LevelInfo), slog.LevelError)
	// What Gin's recovery writes: blank lines and colour codes around the panic.
	if _, err := w.Write([]byte("\n\n\x1b[31m[Recovery] panic recovered:\nboom\n\x1b[0m\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("\n")); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("want exactly one JSON record, got %q: %v", out.String(), err)
	}
	if rec["msg"] != "[Recovery] panic recovered:\nboom" || rec["level"] != "ERROR" || rec["source"] != "gin" {
		t.Fatalf("record = %v", rec)
	}
}

// lockedBuffer is a bytes.Buffer safe to read while another goroutine (the
// flusher of a Buffered writer) writes.
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

func TestBufferedFlushesOnIntervalAndClose(t *testing.T) {
	var out lockedBuffer
	b := Buffered(&out, 20*time.Millisecond)
	logger := New(b, slog.LevelInfo)
	logger.Info("first")
	if out.String() != "" {
		t.Fatal("record written before a flush")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), `"msg":"first"`) {
		if time.Now().After(deadline) {
			t.Fatal("record not flushed on the interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
	logger.Info("last")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"msg":"last"`) {
		t.Fatalf("Close did not flush: %q", out.String())
	}
}
