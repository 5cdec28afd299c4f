// Package api holds the service's API contract, openapi.yaml, compiled into
// the binary: the server validates requests against it and serves it.
package api

import (
	_ "embed"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var document []byte

// YAML returns the document as written.
func YAML() []byte { return document }

// Load parses the document.
func Load() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(document)
}
