package config

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
)

// readConfigFile reads a JSON object of flag names to values, such as
// {"port": 8080, "log-level": "debug"}. Unknown names are an error, so a
// typo does not silently leave a default in place.
func readConfigFile(path string, all []setting) (map[string]string, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the operator names the config file (flag or environment); reading it is the point.
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	out := make(map[string]string, len(raw))
	for name, msg := range raw {
		if !slices.ContainsFunc(all, func(s setting) bool { return s.flag == name }) {
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

// readDotenv reads KEY=VALUE lines from the working directory's .env; blank lines, # comments and a leading
// "export " are allowed, and one pair of matching quotes is removed.
func readDotenv(path string) (map[string]string, error) {
	f, err := os.Open(path) // #nosec G304 -- path is the fixed ".env" of the working directory.
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

// unknownKeys lists the keys of dotenv, sorted, each with the setting it
// is a near miss of: "PROT (did you mean PORT?)".
func unknownKeys(dotenv map[string]string, all []setting) []string {
	var out []string
	for key := range dotenv {
		best, bestDist := "", 3 // at most two edits away
		for _, s := range all {
			if d := editDistance(key, s.env); d < bestDist {
				best, bestDist = s.env, d
			}
		}
		if best != "" {
			key += " (did you mean " + best + "?)"
		}
		out = append(out, key)
	}
	slices.Sort(out)
	return out
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of neighbours that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
