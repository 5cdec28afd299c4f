package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// JWTConfig says whose tokens are accepted.
type JWTConfig struct {
	// JWKSURL serves the issuer's public keys. Empty: the issuer's OpenID
	// discovery document names it.
	JWKSURL string
	// Issuer is the iss every token must carry (empty: not checked, which
	// needs JWKSURL).
	Issuer   string
	Audience string
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration
	// Refresh is how often the keys are fetched again.
	Refresh time.Duration
	// Timeout bounds one fetch of the keys or of the discovery document.
	Timeout time.Duration
}

// asymmetric are the algorithms tokens may be signed with: public-key ones
// only, so a token signed with HS256 using the public key as its secret
// (or "none") never verifies.
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// refreshOnUnknownKey: a token signed with a key ID not in the cache makes
// the keys be fetched again (a rotation), at most this often; a caller
// making up key IDs cannot make the service hammer the issuer.
const refreshOnUnknownKey = 10 * time.Second

// JWT verifies bearer tokens. Its keys load in the background: a JWKS (or
// discovery document) that is down at start does not stop the service,
// which refuses every token until the keys arrive (Ready says so).
type JWT struct {
	parser *jwt.Parser
	keys   atomic.Pointer[keyfunc.Keyfunc]
	realm  string
}

// NewJWT returns a verifier whose keys load until ctx ends. A config
// without a JWKS URL or an issuer refuses every token.
func NewJWT(ctx context.Context, cfg JWTConfig, realm string, logger *slog.Logger) *JWT {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(asymmetric),
		jwt.WithAudience(cfg.Audience),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	v := &JWT{parser: jwt.NewParser(opts...), realm: realm}
	if cfg.JWKSURL == "" && cfg.Issuer == "" {
		logger.Warn("neither AUTH_JWKS_URL nor AUTH_ISSUER is set: every request that needs authentication gets 401")
		return v
	}
	go v.load(ctx, cfg, logger)
	return v
}

// load finds the JWKS (discovering it from the issuer, retried until it
// answers) and starts its cache, which refreshes itself from then on.
func (v *JWT) load(ctx context.Context, cfg JWTConfig, logger *slog.Logger) {
	client := &http.Client{Timeout: cfg.Timeout}
	url := cfg.JWKSURL
	for url == "" {
		var err error
		if url, err = discover(ctx, client, cfg.Issuer); err != nil {
			logger.Warn("OpenID discovery failed; retrying", "error", err.Error())
			select {
			case <-ctx.Done():
				return
			case <-time.After(refreshOnUnknownKey):
			}
		}
	}
	onError := func(ctx context.Context, err error) {
		logger.WarnContext(ctx, "fetching the JWKS failed", "error", err.Error())
	}
	// The first fetch's failure is not fatal: the key cache starts empty and
	// the next refresh, or the first token with a key ID, fetches again.
	remote, err := jwkset.NewStorageFromHTTP(url, jwkset.HTTPClientStorageOptions{
		Client:                    client,
		Ctx:                       ctx,
		HTTPTimeout:               cfg.Timeout,
		NoErrorReturnFirstHTTPReq: true,
		RefreshErrorHandler:       onError,
		RefreshInterval:           cfg.Refresh,
	})
	if err == nil {
		var storage jwkset.Storage
		storage, err = jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
			HTTPURLs:          map[string]jwkset.Storage{url: remote},
			RefreshUnknownKID: rate.NewLimiter(rate.Every(refreshOnUnknownKey), 1),
			// A token with an unknown key waits this long at most for its turn.
			RateLimitWaitMax: time.Second,
		})
		if err == nil {
			var kf keyfunc.Keyfunc
			if kf, err = keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: storage}); err == nil {
				v.keys.Store(&kf)
				return
			}
		}
	}
	logger.Error("AUTH_JWKS_URL is not usable: every request that needs authentication gets 401", "error", err.Error())
}

// discover reads the JWKS URL from the issuer's OpenID configuration.
func discover(ctx context.Context, client *http.Client, issuer string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("discovery document: status %d", resp.StatusCode)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return "", fmt.Errorf("discovery document: %w", err)
	}
	// OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked.
	if doc.Issuer != issuer || doc.JWKSURI == "" {
		return "", errors.New("discovery document: issuer does not match, or no jwks_uri")
	}
	return doc.JWKSURI, nil
}

// claims are what a token must carry: the registered claims, and its
// scopes as OAuth's space-separated scope (RFC 9068) or a scp list.
type claims struct {
	jwt.RegisteredClaims
	Scope string   `json:"scope"`
	Scp   []string `json:"scp"`
}

// Verify checks the bearer token of r: signature by a key of the JWKS,
// algorithm, expiry, audience, issuer, and a subject.
func (v *JWT) Verify(r *http.Request) (Principal, error) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, ErrNoCredentials
	}
	keys := v.keys.Load()
	if keys == nil {
		return Principal{}, errors.New("no keys to verify tokens with (yet)")
	}
	var c claims
	if _, err := v.parser.ParseWithClaims(token, &c, (*keys).KeyfuncCtx(r.Context())); err != nil {
		return Principal{}, err
	}
	if c.Subject == "" {
		return Principal{}, errors.New("token has no sub")
	}
	return Principal{Subject: c.Subject, Scopes: append(strings.Fields(c.Scope), c.Scp...)}, nil
}

// Challenge names the scheme, and says the token was refused when one was sent (RFC 6750 3).
func (v *JWT) Challenge(err error) string {
	if errors.Is(err, ErrNoCredentials) {
		return fmt.Sprintf("Bearer realm=%q", v.realm)
	}
	return fmt.Sprintf("Bearer realm=%q, error=\"invalid_token\"", v.realm)
}

// Ready fails while no key has been loaded: readiness reports it (as
// degraded: the routes that need no token still work).
func (v *JWT) Ready(ctx context.Context) error {
	keys := v.keys.Load()
	if keys == nil {
		return errors.New("the JWKS has not been fetched")
	}
	all, err := (*keys).Storage().KeyReadAll(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("the JWKS holds no usable key")
	}
	return nil
}
