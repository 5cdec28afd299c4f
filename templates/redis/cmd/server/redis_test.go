package main

import (
	"os"
	"testing"
)

// testRedisURL is REDIS_URL for run's tests: TEST_REDIS_URL; without it the
// tests that start the whole service are skipped.
func testRedisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		t.Skip("set TEST_REDIS_URL to run the service tests against a real Redis")
	}
	return u
}
