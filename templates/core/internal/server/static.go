package server

import (
	"io"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFiles serves the embedded assets. Only files are served: no
// directory listings, and fs.ValidPath rejects "..", so nothing outside
// the assets can be reached.
func staticFiles(assets fs.FS) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("filepath"), "/")
		if name == "" {
			name = "index.html"
		}
		if !fs.ValidPath(name) {
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
			return
		}
		f, err := assets.Open(name)
		if err != nil {
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
			return
		}
		defer f.Close()
		info, err := f.Stat()
		content, seekable := f.(io.ReadSeeker)
		if err != nil || info.IsDir() || !seekable {
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
			return
		}
		c.Header("X-Content-Type-Options", "nosniff")
		http.ServeContent(c.Writer, c.Request, name, info.ModTime(), content)
	}
}
