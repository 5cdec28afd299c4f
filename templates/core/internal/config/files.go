package config

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// readConfigFile reads a JSON object of setting names to values, such as
// {"port": 8080, "log-level": "debug"}. Unknown names are an error, so a
// typo does not silently leave a default in place.
func readConfigFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the operator names the config file (flag or environment); reading it is the point.
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	known := make(map[string]bool, len(settings))
	for _, s := range settings {
		known[s.name] = true
	}
	out := make(map[string]string, len(raw))
	for name, msg := range raw {
		if !known[name] {
			return nil, fmt.Errorf("config file %s: unknown setting %q", path, name)
		}
		var s string
		if err := json.Unmarshal(msg, &s); err != nil {
			// Numbers and booleans keep their JSON spelling.
			s = string(bytes.TrimSpace(msg))
		}
		out[name] = s
	}
	return out, nil
}

// readDotenv reads KEY=VALUE lines; blank lines, # comments and a leading
// "export " are allowed, and one pair of matching quotes is removed.
func readDotenv(path string) (map[string]string, error) {
	f, err := os.Open(path) // #nosec G304 -- the operator names the .env file (flag or environment); reading it is the point.
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected KEY=VALUE", path, n)
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		}
		out[strings.TrimSpace(key)] = val
	}
	return out, scanner.Err()
}

var dsnPassword = regexp.MustCompile(`^([^:@/]+):([^@]*)@`)

// Redact hides the password of a URL (scheme://user:pass@host) or of a
// driver DSN (user:pass@tcp(host)/db); any other secret is masked whole.
func Redact(secret string) string {
	if secret == "" {
		return ""
	}
	if u, err := url.Parse(secret); err == nil && u.Scheme != "" && u.Host != "" {
		return u.Redacted()
	}
	if dsnPassword.MatchString(secret) {
		return dsnPassword.ReplaceAllString(secret, "$1:xxxxx@")
	}
	return "xxxxx"
}
