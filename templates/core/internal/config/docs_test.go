package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the settings in .env.example, README.md and the Kubernetes config.env from Config")

// The generated sections of .env.example, README.md and, when the service
// has Kubernetes manifests, the ConfigMap's deploy/k8s/base/config.env.
const (
	envBegin  = "# BEGIN settings: generated from internal/config (go generate ./internal/config)"
	envEnd    = "# END settings"
	mdBegin   = "<!-- BEGIN settings: generated from internal/config (go generate ./internal/config) -->"
	mdEnd     = "<!-- END settings -->"
	kubePath  = "../../deploy/k8s/base/config.env"
	kubeBegin = "# BEGIN settings: generated from internal/config by create-gin-app"
)

// kubeSettings is the ConfigMap's section: the non-secret settings, each
// with the value the section gives it now (set for Kubernetes, or by you),
// else its default.
func kubeSettings(t *testing.T) string {
	text, err := os.ReadFile(kubePath)
	if err != nil {
		t.Fatal(err)
	}
	given := map[string]string{}
	if _, rest, ok := strings.Cut(string(text), kubeBegin+"\n"); ok {
		section, _, _ := strings.Cut(rest, envEnd)
		for _, line := range strings.Split(section, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				given[k] = v
			}
		}
	}
	var b strings.Builder
	for _, s := range settings() {
		if s.tag.Get("secret") == "true" {
			continue
		}
		v, ok := given[s.env]
		if !ok {
			v = s.tag.Get("default")
		}
		fmt.Fprintf(&b, "# %s\n%s=%s\n\n", s.tag.Get("usage"), s.env, v)
	}
	return b.String()
}

// TestDocs fails when .env.example, README.md's configuration table or the
// Kubernetes config.env no longer match Config; go generate runs it with
// -update to rewrite them.
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
	docs := []struct{ path, begin, end, body string }{
		{"../../.env.example", envBegin, envEnd, env.String()},
		{"../../README.md", mdBegin, mdEnd, md.String()},
	}
	if _, err := os.Stat(kubePath); err == nil {
		docs = append(docs, struct{ path, begin, end, body string }{kubePath, kubeBegin, envEnd, kubeSettings(t)})
	}
	for _, doc := range docs {
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
