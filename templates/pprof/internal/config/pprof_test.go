package config

import (
	"strings"
	"testing"
)

func TestPprofAddr(t *testing.T) {
	load := func(env map[string]string) (*Config, error) {
		return Load([]string{"server"}, func(k string) string { return env[k] })
	}
	cfg, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.PprofAddr, "127.0.0.1:") {
		t.Errorf("default PPROF_ADDR = %q, want a 127.0.0.1 address", cfg.PprofAddr)
	}
	if cfg, err := load(map[string]string{"PPROF_ADDR": "off"}); err != nil || cfg.PprofAddr != "" {
		t.Errorf("PPROF_ADDR=off: %q, %v", cfg.PprofAddr, err)
	}
	if _, err := load(map[string]string{"PPROF_ADDR": "0.0.0.0:6060"}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("PPROF_ADDR=0.0.0.0:6060 accepted: %v", err)
	}
	t.Setenv("PPROF_ADDR", "")
	if cfg, err := load(nil); err != nil || cfg.PprofAddr != "" {
		t.Errorf("PPROF_ADDR set but empty: %q, %v", cfg.PprofAddr, err)
	}
}
