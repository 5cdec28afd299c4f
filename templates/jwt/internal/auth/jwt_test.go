package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A JWKS served by a test server with one EC key; tokens signed with it.
func TestJWT(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		enc := func(n *big.Int) string { return base64.RawURLEncoding.EncodeToString(n.FillBytes(make([]byte, 32))) }
		jwk := map[string]string{"kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256", "use": "sig", "x": enc(key.X), "y": enc(key.Y)}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{jwk}})
	}))
	defer jwks.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := NewJWT(ctx, JWTConfig{JWKSURL: jwks.URL, Issuer: "https://issuer.test", Audience: "svc", Leeway: time.Second, Refresh: time.Hour, Timeout: time.Second}, "svc", slog.New(slog.DiscardHandler))
	deadline := time.Now().Add(5 * time.Second)
	for v.Ready(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("keys never loaded: %v", v.Ready(ctx))
		}
		time.Sleep(10 * time.Millisecond)
	}

	now := time.Now()
	good := jwt.MapClaims{"iss": "https://issuer.test", "aud": "svc", "sub": "alice", "scope": "a:read a:write", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	signed := func(method jwt.SigningMethod, k any, claims jwt.MapClaims, edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for name, value := range claims {
			c[name] = value
		}
		if edit != nil {
			edit(c)
		}
		token := jwt.NewWithClaims(method, c)
		token.Header["kid"] = "k1"
		s, err := token.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	public, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	publicPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: public})

	cases := map[string]struct {
		token string
		ok    bool
	}{
		"valid":                     {signed(jwt.SigningMethodES256, key, good, nil), true},
		"expired":                   {signed(jwt.SigningMethodES256, key, good, func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }), false},
		"no exp":                    {signed(jwt.SigningMethodES256, key, good, func(c jwt.MapClaims) { delete(c, "exp") }), false},
		"wrong audience":            {signed(jwt.SigningMethodES256, key, good, func(c jwt.MapClaims) { c["aud"] = "other" }), false},
		"wrong issuer":              {signed(jwt.SigningMethodES256, key, good, func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), false},
		"no subject":                {signed(jwt.SigningMethodES256, key, good, func(c jwt.MapClaims) { delete(c, "sub") }), false},
		"HS256 with the public key": {signed(jwt.SigningMethodHS256, publicPEM, good, nil), false},
		"alg none":                  {signed(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good, nil), false},
	}
	for name, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+c.token)
		p, err := v.Verify(r)
		if (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok=%v", name, err, c.ok)
		}
		if c.ok && (p.Subject != "alice" || !p.Has("a:write")) {
			t.Errorf("%s: principal %+v", name, p)
		}
	}
	if _, err := v.Verify(httptest.NewRequest(http.MethodGet, "/", nil)); err != ErrNoCredentials {
		t.Errorf("no token: %v, want ErrNoCredentials", err)
	}
}
