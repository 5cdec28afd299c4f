// Package web holds the static assets, compiled into the binary so a
// deployment can never ship without them.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Static returns the assets, rooted at the static directory.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // "static" is a valid path, so Sub cannot fail.
	}
	return sub
}
