package storeerr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
)

func TestClassifyKeepsTheClassAndTheCause(t *testing.T) {
	t.Parallel()
	cause := errors.New("driver said no")
	err := fmt.Errorf("creating item: %w", Classify(ErrConflict, cause))
	if !errors.Is(err, ErrConflict) || !errors.Is(err, cause) || errors.Is(err, ErrNotFound) {
		t.Fatalf("errors.Is on %v: class or cause lost", err)
	}
	if err.Error() != "creating item: conflict: driver said no" {
		t.Fatalf("message = %q", err.Error())
	}
}

func TestTransient(t *testing.T) {
	t.Parallel()
	transient := []error{
		context.DeadlineExceeded,
		fmt.Errorf("query: %w", context.DeadlineExceeded),
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		syscall.ECONNRESET,
	}
	for _, err := range transient {
		if !Transient(err) {
			t.Errorf("Transient(%v) = false", err)
		}
	}
	if Transient(errors.New("no such table: items")) {
		t.Error("a query error counted as transient")
	}
}
