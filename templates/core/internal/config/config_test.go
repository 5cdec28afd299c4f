package config

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// envOf is a lookupEnv that sees only env.
func envOf(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // .env is read from the working directory
	file := filepath.Join(dir, "config.json")
	// Each layer sets one more value than the layer above it overrides.
	mustWrite(t, file, `{"read-timeout": "1s", "write-timeout": "2s", "idle-timeout": "3s", "shutdown-timeout": "4s"}`)
	mustWrite(t, ".env", "# comment\nWRITE_TIMEOUT=12s\nexport IDLE_TIMEOUT=\"13s\"\nSHUTDOWN_TIMEOUT=14s\n")
	env := map[string]string{"IDLE_TIMEOUT": "23s", "SHUTDOWN_TIMEOUT": "24s"}
	args := []string{"server", "-config", file, "-shutdown-timeout", "34s"}

	cfg, err := Load(args, envOf(env))
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

	// DOTENV=off: the file is not read.
	env["DOTENV"] = "off"
	if cfg, err := Load([]string{"server"}, envOf(env)); err != nil || cfg.WriteTimeout != 30*time.Second {
		t.Errorf("DOTENV=off: WRITE_TIMEOUT = %v, %v; want the default", cfg.WriteTimeout, err)
	}
}

func TestUnknownDotenvKeysAreOneWarning(t *testing.T) {
	t.Chdir(t.TempDir())
	mustWrite(t, ".env", "PROT=9000\nOTHER_TOOL_TOKEN=x\nPORT=9001\n")
	cfg, err := Load([]string{"server"}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9001 {
		t.Errorf("PORT = %d, want 9001 from .env", cfg.Port)
	}
	var logs bytes.Buffer
	cfg.Warn(slog.New(slog.NewTextHandler(&logs, nil)))
	if got := strings.Count(logs.String(), "\n"); got != 1 {
		t.Fatalf("%d records, want one:\n%s", got, logs.String())
	}
	for _, want := range []string{"level=WARN", "OTHER_TOOL_TOKEN", "PROT (did you mean PORT?)"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("warning lacks %q: %s", want, logs.String())
		}
	}
}

func TestInvalidValuesNameTheSetting(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"PORT":                  {"PORT": "eighty"},
		"GIN_MODE":              {"GIN_MODE": "loud"},
		"READ_TIMEOUT":          {"READ_TIMEOUT": "0s"},
		"MAX_BODY_BYTES":        {"MAX_BODY_BYTES": "-1"},
		"BREAKER_FAILURE_RATIO": {"BREAKER_FAILURE_RATIO": "2"},
		"UPSTREAM_URL":          {"UPSTREAM_URL": "ftp://x"},
	}
	for name, env := range cases {
		env["DOTENV"] = "off"
		_, err := Load([]string{"server"}, envOf(env))
		if err == nil || !strings.HasPrefix(err.Error(), "invalid "+name+"=") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestSetButEmptyCounts(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DOTENV": "off", "TRUSTED_PROXIES": "", "DRAIN_DELAY": "0s"}
	cfg, err := Load([]string{"server", "-trusted-proxies", ""}, envOf(env))
	if err != nil || cfg.TrustedProxies != nil || cfg.DrainDelay != 0 {
		t.Fatalf("cfg = %+v, %v", cfg, err)
	}
	env["PORT"] = ""
	if _, err := Load([]string{"server"}, envOf(env)); err == nil || !strings.Contains(err.Error(), `PORT="" (from env)`) {
		t.Errorf("empty PORT: %v", err)
	}
}

func TestUnknownFlagAndFileKey(t *testing.T) {
	t.Parallel()
	if _, err := Load([]string{"server", "-nope"}, envOf(nil)); err == nil {
		t.Error("unknown flag accepted")
	}
	if _, err := Load([]string{"server", "-h"}, envOf(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	file := filepath.Join(t.TempDir(), "c.json")
	mustWrite(t, file, `{"prot": 1}`)
	_, err := Load([]string{"server"}, envOf(map[string]string{"CONFIG_FILE": file, "DOTENV": "off"}))
	if err == nil || !strings.Contains(err.Error(), `"prot"`) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
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
