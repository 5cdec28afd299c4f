package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.json")
	envFile := filepath.Join(dir, "app.env")
	// Each layer sets one more value than the layer above it overrides.
	mustWrite(t, file, `{"read-timeout": "1s", "write-timeout": "2s", "idle-timeout": "3s", "shutdown-timeout": "4s"}`)
	mustWrite(t, envFile, "# comment\nWRITE_TIMEOUT=12s\nexport IDLE_TIMEOUT=\"13s\"\nSHUTDOWN_TIMEOUT=14s\n")
	env := map[string]string{"IDLE_TIMEOUT": "23s", "SHUTDOWN_TIMEOUT": "24s"}
	args := []string{"server", "-config", file, "-env-file", envFile, "-shutdown-timeout", "34s"}

	cfg, err := Load(args, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		got, want time.Duration
		env, src  string
	}{
		{cfg.ReadHeaderTimeout, 5 * time.Second, "READ_HEADER_TIMEOUT", "default"},
		{cfg.ReadTimeout, 1 * time.Second, "READ_TIMEOUT", "file " + file},
		{cfg.WriteTimeout, 12 * time.Second, "WRITE_TIMEOUT", ".env"},
		{cfg.IdleTimeout, 23 * time.Second, "IDLE_TIMEOUT", "env"},
		{cfg.ShutdownTimeout, 34 * time.Second, "SHUTDOWN_TIMEOUT", "flag"},
	}
	var out strings.Builder
	cfg.Print(&out)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.env, c.got, c.want)
		}
		line := c.env + "=" + c.want.String() + " (" + c.src + ")"
		if c.src == "default" {
			line = c.env + "=5s (default)"
		}
		if !strings.Contains(out.String(), line) {
			t.Errorf("Print lacks %q:\n%s", line, out.String())
		}
	}
}

func TestInvalidValuesNameTheSetting(t *testing.T) {
	cases := map[string]map[string]string{
		"PORT":           {"PORT": "eighty"},
		"GIN_MODE":       {"GIN_MODE": "loud"},
		"READ_TIMEOUT":   {"READ_TIMEOUT": "soon"},
		"MAX_BODY_BYTES": {"MAX_BODY_BYTES": "-1"},
	}
	for name, env := range cases {
		_, err := Load([]string{"server", "-env-file", os.DevNull}, func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestUnknownFlagAndFileKey(t *testing.T) {
	if _, err := Load([]string{"server", "-nope"}, func(string) string { return "" }); err == nil {
		t.Error("unknown flag accepted")
	}
	file := filepath.Join(t.TempDir(), "c.json")
	mustWrite(t, file, `{"prot": 1}`)
	_, err := Load([]string{"server", "-config", file}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), `"prot"`) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"amqp://app:s3cret@mq:5672/app?heartbeat=10": "amqp://app:xxxxx@mq:5672/app?heartbeat=10",
		"app:s3cret@tcp(db:3306)/app":                "app:xxxxx@tcp(db:3306)/app",
		"s3cret":                                     "xxxxx",
	}
	for in, want := range cases {
		if got := Redact(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
