package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"

	"github.com/gin-gonic/gin"
)

// What the resources added with create-gin-app add resource share: bodies
// decoded after the request validator (contract.go) has checked them
// against api/openapi.yaml, IDs from the path, and pages.

// decodeBody decodes the request's JSON body into in (a pointer to a
// struct) and returns the Go names of the fields the body gives, which is
// what a merge patch sets. On failure it answers 400 and returns false.
func decodeBody(c *gin.Context, in any) ([]string, bool) {
	body, err := c.GetRawData()
	var given map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(body, &given)
	}
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(in)
	}
	if err != nil {
		// The validator lets no such body through; this is the last guard.
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "body must be a JSON object as api/openapi.yaml describes"})
		return nil, false
	}
	t := reflect.TypeOf(in).Elem()
	fields := make([]string, 0, len(given))
	for i := range t.NumField() {
		if _, ok := given[jsonName(t.Field(i))]; ok {
			fields = append(fields, t.Field(i).Name)
		}
	}
	return fields, true
}

func jsonName(f reflect.StructField) string {
	name, _, _ := bytes.Cut([]byte(f.Tag.Get("json")), []byte(","))
	return string(name)
}

// idParam reads the :id of the path, which the document makes a positive
// integer; one past uint64 reads as 0, which no row has (404).
func idParam(c *gin.Context) uint64 {
	id, _ := strconv.ParseUint(c.Param("id"), 10, 64)
	return id
}

// A list answers one page at a time: ?limit= rows (defaultPageSize, at most
// the resource's largest page, so that no request reads a whole table into
// memory), after ?cursor=, the next_cursor of the page before. The
// validator has checked both against the document.
const defaultPageSize = 20

// pageQuery reads ?limit= and ?cursor=.
func pageQuery(c *gin.Context, maxPage int) (after uint64, limit int) {
	limit = min(defaultPageSize, maxPage)
	if n, err := strconv.Atoi(c.Query("limit")); err == nil {
		limit = n
	}
	after, _ = strconv.ParseUint(c.Query("cursor"), 10, 64)
	return after, limit
}

// page trims rows, read with limit+1, to limit and returns the cursor of
// the next page: "" when this is the last one.
func page[T any](rows []T, limit int, id func(T) uint64) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, strconv.FormatUint(id(rows[limit-1]), 10)
}
