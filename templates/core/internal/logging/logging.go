// Package logging builds the service's structured logger.
package logging

import (
	"bytes"
	"context"
	"io"
	"log/slog"
)

// New returns a JSON logger writing to w at the given minimum level.
func New(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// Writer adapts logger to an io.Writer that logs each write as one record
// at level. It is what Gin's DefaultWriter and DefaultErrorWriter get, so
// text Gin prints itself (a recovered panic and its stack, for one) ends up
// wherever the logger's records go.
func Writer(logger *slog.Logger, level slog.Level) io.Writer {
	return &writer{logger: logger, level: level}
}

type writer struct {
	logger *slog.Logger
	level  slog.Level
}

func (w *writer) Write(p []byte) (int, error) {
	msg := string(bytes.TrimRight(p, "\n"))
	if msg != "" {
		w.logger.Log(context.Background(), w.level, msg, "source", "gin")
	}
	return len(p), nil
}
