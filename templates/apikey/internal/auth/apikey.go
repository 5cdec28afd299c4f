package auth

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// APIKeyHeader carries the key (in Go's canonical form, as requestid.Header).
const APIKeyHeader = "X-Api-Key" // #nosec G101 -- a header's name, not a credential.

// APIKeys verifies the X-API-Key header against the keys of a file. The
// file holds only each key's SHA-256, so it can be read without granting
// access; a presented key is hashed and compared with every hash in
// constant time, so the time taken says nothing about how close it was.
type APIKeys struct {
	keys []apiKey
}

type apiKey struct {
	hash   [sha256.Size]byte
	name   string
	scopes []string
}

// LoadAPIKeys reads path: one key per line, "<sha256 hex> <name>
// [scope,scope...]" (make a hash with: printf %s "$KEY" | sha256sum);
// blank lines and lines starting with # are skipped. An empty path
// refuses every key.
func LoadAPIKeys(path string) (*APIKeys, error) {
	k := &APIKeys{}
	if path == "" {
		return k, nil
	}
	f, err := os.Open(path) // #nosec G304 -- the operator's AUTH_API_KEYS_FILE.
	if err != nil {
		return nil, fmt.Errorf("AUTH_API_KEYS_FILE: %w", err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for n := 1; lines.Scan(); n++ {
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		sum, err := hex.DecodeString(fields[0])
		if err != nil || len(sum) != sha256.Size || len(fields) < 2 || len(fields) > 3 {
			return nil, fmt.Errorf("AUTH_API_KEYS_FILE %s:%d: want \"<sha256 hex> <name> [scope,scope...]\"", path, n)
		}
		key := apiKey{name: fields[1]}
		copy(key.hash[:], sum)
		if len(fields) == 3 {
			key.scopes = strings.Split(fields[2], ",")
		}
		k.keys = append(k.keys, key)
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("AUTH_API_KEYS_FILE: %w", err)
	}
	return k, nil
}

// Verify finds the key of r's X-API-Key header.
func (k *APIKeys) Verify(r *http.Request) (Principal, error) {
	presented := r.Header.Get(APIKeyHeader)
	if presented == "" {
		return Principal{}, ErrNoCredentials
	}
	i := k.match(sha256.Sum256([]byte(presented)))
	if i < 0 {
		return Principal{}, fmt.Errorf("unknown API key")
	}
	return Principal{Subject: k.keys[i].name, Scopes: k.keys[i].scopes}, nil
}

// match returns the index of the key whose hash is sum, or -1. Every hash
// is compared, whole, whichever matches.
func (k *APIKeys) match(sum [sha256.Size]byte) int {
	found := -1
	for i := range k.keys {
		eq := subtle.ConstantTimeCompare(k.keys[i].hash[:], sum[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	return found
}

// Challenge names the header the key goes in.
func (k *APIKeys) Challenge(error) string { return `APIKey header="X-API-Key"` }
