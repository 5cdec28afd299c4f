package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func keysFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func hashOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func TestAPIKeys(t *testing.T) {
	good := "k3y-0f-the-reporting-job-1234567890"
	keys, err := LoadAPIKeys(keysFile(t, "# the reporting job\n"+hashOf(good)+" reporting items:read,items:write\n\n"+hashOf("other")+" other\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, subject string
	}{
		{good, "reporting"},
		{"other", "other"},
		{good[:len(good)-1], ""}, // a prefix of a key
		{good + "0", ""},         // a key with more after it
		{hashOf(good), ""},       // the hash itself is not a key
		{"", ""},                 // none
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if c.key != "" {
			r.Header.Set("X-API-Key", c.key)
		}
		p, err := keys.Verify(r)
		if p.Subject != c.subject || (err == nil) != (c.subject != "") {
			t.Errorf("key %q: subject %q, error %v; want subject %q", c.key, p.Subject, err, c.subject)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-API-Key", good)
	if p, _ := keys.Verify(r); !slices.Equal(p.Scopes, []string{"items:read", "items:write"}) {
		t.Errorf("scopes = %v", p.Scopes)
	}
}

func TestAPIKeysFileErrors(t *testing.T) {
	for _, text := range []string{"nothex reporting\n", hashOf("k") + "\n", hashOf("k")[:10] + " short\n", hashOf("k") + " a b c\n"} {
		if _, err := LoadAPIKeys(keysFile(t, text)); err == nil {
			t.Errorf("LoadAPIKeys(%q) accepted it", text)
		}
	}
	if _, err := LoadAPIKeys(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file was accepted")
	}
}

// The comparison takes as long whichever key matches and however close a
// wrong key's hash comes: every hash is compared whole. Timed in rounds,
// interleaved, so that the machine's noise falls on both sides alike; a
// comparison that stopped at the first differing byte or at the matching
// key would differ by the number of keys it skipped (1,000 here).
func TestKeyComparisonTimeDoesNotDependOnTheMatch(t *testing.T) {
	k := &APIKeys{}
	for i := range 1000 {
		var key apiKey
		key.hash = sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		k.keys = append(k.keys, key)
	}
	first := k.keys[0].hash
	near := first
	near[len(near)-1] ^= 1 // all but the last byte of the first key
	far := first
	far[0] ^= 1 // differs at once
	inputs := map[string][sha256.Size]byte{"first key": first, "last key": k.keys[len(k.keys)-1].hash, "near miss": near, "far miss": far}
	median := map[string]time.Duration{}
	const rounds = 31
	samples := map[string][]time.Duration{}
	for range rounds {
		for name, sum := range inputs {
			start := time.Now()
			for range 20 {
				k.match(sum)
			}
			samples[name] = append(samples[name], time.Since(start))
		}
	}
	for name, s := range samples {
		slices.Sort(s)
		median[name] = s[rounds/2]
	}
	lo, hi := slices.Min(slices.Collect(maps.Values(median))), slices.Max(slices.Collect(maps.Values(median)))
	// An early exit at the first key would make "first key" about 1,000x faster.
	if hi > 3*lo {
		t.Fatalf("comparison time depends on the input: medians %v", median)
	}
	if k.match(first) != 0 || k.match(near) != -1 {
		t.Fatal("match is wrong")
	}
}
