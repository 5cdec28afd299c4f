package logging

import (
	"io"
	"sync"
	"time"
)

// BufferedWriter batches log records in memory; one goroutine writes them
// out every interval, or sooner once a batch reaches 64 KiB. A write(2) per
// record costs more than serving a small request; batching them costs at
// most one interval of records if the process dies without running Close.
// Request goroutines only append: the system call never happens while they
// wait on the lock.
type BufferedWriter struct {
	w        io.Writer
	mu       sync.Mutex
	drained  *sync.Cond // signalled when the buffer has been handed to the writer
	buf      []byte
	spare    []byte
	kick     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopping bool
}

const (
	batchSize = 64 << 10
	// maxBuffered bounds memory when stdout stalls: appenders wait beyond it.
	maxBuffered = 4 << 20
)

// Buffered returns w behind a buffer flushed every interval.
func Buffered(w io.Writer, interval time.Duration) *BufferedWriter {
	b := &BufferedWriter{
		w:    w,
		buf:  make([]byte, 0, batchSize),
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	b.drained = sync.NewCond(&b.mu)
	go b.loop(interval)
	return b
}

func (b *BufferedWriter) loop(interval time.Duration) {
	defer close(b.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
		case <-b.kick:
		case <-b.stop:
			return
		}
		_ = b.Flush() // a failed write to stdout has nowhere better to be reported
	}
}

// Write appends p whole: a record is never split between two batches.
func (b *BufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	for len(b.buf) >= maxBuffered && !b.stopping {
		b.drained.Wait()
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= batchSize
	b.mu.Unlock()
	if full {
		select {
		case b.kick <- struct{}{}:
		default: // a flush is already due
		}
	}
	return len(p), nil
}

// Flush writes out what is buffered. Only the flushing goroutine and Close
// call it, so batches reach w in order.
func (b *BufferedWriter) Flush() error {
	b.mu.Lock()
	batch := b.buf
	b.buf = b.spare[:0]
	b.drained.Broadcast()
	b.mu.Unlock()
	if len(batch) == 0 {
		b.spare = batch
		return nil
	}
	_, err := b.w.Write(batch)
	b.spare = batch[:0]
	return err
}

// Close stops the flushing goroutine and writes out what is left.
func (b *BufferedWriter) Close() error {
	b.mu.Lock()
	b.stopping = true
	b.drained.Broadcast()
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	return b.Flush()
}
