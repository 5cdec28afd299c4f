package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the settings in .env.example and README.md from Config")

// The generated sections of .env.example and README.md.
const (
	envBegin = "# BEGIN settings: generated from internal/config (go generate ./internal/config)"
	envEnd   = "# END settings"
	mdBegin  = "<!-- BEGIN settings: generated from internal/config (go generate ./internal/config) -->"
	mdEnd    = "<!-- END settings -->"
)

// TestDocs fails when .env.example or README.md's configuration table no
// longer match Config; go generate runs it with -update to rewrite them.
func TestDocs(t *testing.T) {
	var env, md strings.Builder
	md.WriteString("| variable | flag | default | meaning |\n|---|---|---|---|\n")
	for _, s := range settings() {
		def, usage := s.tag.Get("default"), s.tag.Get("usage")
		fmt.Fprintf(&env, "# %s\n%s=%s\n\n", usage, s.env, def)
		if def == "" {
			def = "(none)"
		} else {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&md, "| `%s` | `-%s` | %s | %s |\n", s.env, s.flag, def, usage)
	}
	for _, doc := range []struct{ path, begin, end, body string }{
		{"../../.env.example", envBegin, envEnd, env.String()},
		{"../../README.md", mdBegin, mdEnd, md.String()},
	} {
		text, err := os.ReadFile(doc.path)
		if err != nil {
			t.Fatal(err)
		}
		before, rest, found := strings.Cut(string(text), doc.begin+"\n")
		_, after, foundEnd := strings.Cut(rest, doc.end)
		if !found || !foundEnd {
			t.Errorf("%s: no lines %q ... %q to hold the settings", doc.path, doc.begin, doc.end)
			continue
		}
		want := before + doc.begin + "\n" + doc.body + doc.end + after
		switch {
		case want == string(text):
		case *update:
			if err := os.WriteFile(doc.path, []byte(want), 0o644); err != nil { // #nosec G306 -- a document of the repository.
				t.Fatal(err)
			}
		default:
			t.Errorf("%s does not match the settings declared in Config: run go generate ./internal/config", doc.path)
		}
	}
}

// TestHelpListsEverySetting: -h is built from Config too.
func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	Usage(&out, "server")
	for _, s := range settings() {
		if !strings.Contains(out.String(), "-"+s.flag+" ") || !strings.Contains(out.String(), s.tag.Get("usage")+" (env "+s.env+")") {
			t.Errorf("-h lacks -%s (env %s):\n%s", s.flag, s.env, out.String())
		}
	}
}
