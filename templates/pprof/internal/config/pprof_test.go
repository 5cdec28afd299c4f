package config

import (
	"strings"
	"testing"
)

func TestPprofAddr(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) (*Config, error) {
		env["DOTENV"] = "off"
		return Load([]string{"server"}, envOf(env))
	}
	cfg, err := load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.PprofAddr, "127.0.0.1:") {
		t.Errorf("default PPROF_ADDR = %q, want a 127.0.0.1 address", cfg.PprofAddr)
	}
	for _, off := range []string{"off", ""} {
		if cfg, err := load(map[string]string{"PPROF_ADDR": off}); err != nil || cfg.PprofAddr != "" {
			t.Errorf("PPROF_ADDR=%q: %q, %v", off, cfg.PprofAddr, err)
		}
	}
	if _, err := load(map[string]string{"PPROF_ADDR": "0.0.0.0:6060"}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("PPROF_ADDR=0.0.0.0:6060 accepted: %v", err)
	}
}
