// Package storeerr names the classes of data-store failure that decide a
// response's status code: each store translates its driver's errors into
// one of them, and the HTTP layer maps the class, never the driver text.
package storeerr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"
)

// The classes. An error of no class is a bug or a broken schema: 500.
var (
	ErrNotFound    = errors.New("not found")         // 404
	ErrConflict    = errors.New("conflict")          // 409: a unique key or reference says no
	ErrInvalid     = errors.New("invalid input")     // 400: the store refused the value
	ErrUnavailable = errors.New("store unavailable") // 503: worth retrying later
)

// Classify returns err marked with class: errors.Is(result, class) holds,
// and the original error stays in the chain (and the message) for logs.
func Classify(class, err error) error {
	return &classified{class: class, err: err}
}

type classified struct{ class, err error }

func (e *classified) Error() string   { return e.class.Error() + ": " + e.err.Error() }
func (e *classified) Unwrap() []error { return []error{e.class, e.err} }

// Transient reports failures of the connection rather than of the query:
// a deadline (a pool waited on for too long included), a refused or
// broken connection, a network timeout. Any store can retry those later.
func Transient(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &netErr)
}
