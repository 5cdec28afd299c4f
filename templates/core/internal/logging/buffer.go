package logging

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// BufferedWriter batches log records in memory and writes them out every
// interval, when the buffer fills, and on Close. A write(2) per record costs
// more than serving a small request; batching them costs at most one
// interval of records if the process dies without running Close.
type BufferedWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// Buffered returns w behind a 64 KiB buffer flushed every interval.
func Buffered(w io.Writer, interval time.Duration) *BufferedWriter {
	b := &BufferedWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				_ = b.Flush() // a failed write to stdout has nowhere better to be reported
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Write buffers p whole: a record is never split between two flushes.
func (b *BufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Flush writes out what is buffered.
func (b *BufferedWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

// Close stops the periodic flushing and flushes one last time.
func (b *BufferedWriter) Close() error {
	close(b.stop)
	<-b.done
	return b.Flush()
}
