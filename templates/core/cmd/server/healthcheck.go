package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// healthcheckTimeout bounds the probe, so a wedged service fails the check
// instead of hanging the container runtime's prober.
const healthcheckTimeout = 3 * time.Second

// healthcheck is the -healthcheck mode: it asks the service running on port
// of this host for /healthz and returns nil only for a 200. It needs no shell
// or curl in the image, so the Dockerfile's HEALTHCHECK works on scratch and
// distroless bases too.
func healthcheck(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	url := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) + "/healthz"
	// #nosec G704 -- the URL is fixed: the service's own /healthz on 127.0.0.1, no outside input.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := &http.Client{
		// Never follow a redirect away from the local health endpoint.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req) // #nosec G704 -- the fixed loopback request built above.
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s answered %s", url, resp.Status)
	}
	return nil
}
