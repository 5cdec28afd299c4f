package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
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
