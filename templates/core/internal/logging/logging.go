// Package logging builds the service's structured logger.
package logging

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
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

// ansiColor matches terminal colour codes, which Gin puts around a
// recovered panic even when the output is not a terminal.
var ansiColor = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func (w *writer) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(ansiColor.ReplaceAllString(string(p), ""))
	if msg != "" {
		w.logger.Log(context.Background(), w.level, msg, "source", "gin")
	}
	return len(p), nil
}
