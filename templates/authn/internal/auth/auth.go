// Package auth tells who sent a request: the principal its credentials
// name, and the scopes they grant. internal/server enforces what each
// operation of api/openapi.yaml requires with it.
package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
)

// Principal is the caller a request's credentials identify.
type Principal struct {
	// Subject is the token's sub, or the API key's name: what the logs,
	// the traces and the rate limit know the caller by (never the
	// credentials themselves).
	Subject string
	Scopes  []string
}

// Has reports whether p was granted scope.
func (p Principal) Has(scope string) bool { return slices.Contains(p.Scopes, scope) }

// Verifier checks the credentials of a request.
type Verifier interface {
	// Verify returns the principal of r's credentials: ErrNoCredentials
	// when there are none, another error when they do not verify (the
	// reason is for the log, never for the caller).
	Verify(r *http.Request) (Principal, error)
	// Challenge is the WWW-Authenticate value of a 401 (RFC 9110 11.6.1).
	Challenge(err error) string
}

// ErrNoCredentials: the request carried none.
var ErrNoCredentials = errors.New("no credentials")

type subjectKey struct{}

// WithSubject returns ctx carrying the caller's subject, which every log
// record of the request then names.
func WithSubject(ctx context.Context, subject string) context.Context {
	return context.WithValue(ctx, subjectKey{}, subject)
}

// Subject returns the subject ctx carries, or "".
func Subject(ctx context.Context) string {
	s, _ := ctx.Value(subjectKey{}).(string)
	return s
}
