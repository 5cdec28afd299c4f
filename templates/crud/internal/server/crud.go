package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
)

// What the resources added with create-gin-app add resource share: request
// bodies checked by their binding tags, IDs from the path, and pages.

// bindJSON decodes the request's JSON body into in (a pointer to a struct)
// and checks its binding tags. When that fails it answers 400 with one
// message per invalid field,
// {"error":"invalid input","fields":{"total":"must be at least 0"}},
// and returns false.
func bindJSON(c *gin.Context, in any) bool {
	err := c.ShouldBindJSON(in)
	if err == nil {
		return true
	}
	var invalid validator.ValidationErrors
	var wrongType *json.UnmarshalTypeError
	var badTime *time.ParseError
	switch {
	case errors.As(err, &invalid):
		fields := make(map[string]string, len(invalid))
		t := reflect.TypeOf(in).Elem()
		for _, fe := range invalid {
			fields[jsonName(t, fe.StructField())] = fieldMessage(fe)
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "invalid input", "fields": fields})
	case errors.As(err, &wrongType) && wrongType.Field != "":
		// encoding/json reports the first field of the wrong type only.
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "invalid input", "fields": gin.H{wrongType.Field: "must be " + typeName(wrongType.Type)}})
	case errors.As(err, &badTime):
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "times must be RFC 3339, such as 2026-11-30T10:00:00Z"})
	default:
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "body must be a JSON object"})
	}
	return false
}

// jsonName is the name a client knows a struct field by.
func jsonName(t reflect.Type, field string) string {
	if f, ok := t.FieldByName(field); ok {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
			return name
		}
	}
	return field
}

func fieldMessage(fe validator.FieldError) string {
	text := fe.Kind() == reflect.String
	switch {
	case fe.Tag() == "required":
		return "is required"
	case fe.Tag() == "min" && text && fe.Param() == "1":
		return "must not be empty"
	case fe.Tag() == "min" && text:
		return "must be at least " + fe.Param() + " characters"
	case fe.Tag() == "max" && text:
		return "must be at most " + fe.Param() + " characters"
	case fe.Tag() == "min":
		return "must be at least " + fe.Param()
	case fe.Tag() == "max":
		return "must be at most " + fe.Param()
	case fe.Tag() == "uuid":
		return "must be a UUID in lower case, such as 6ba7b810-9dad-41d1-80b4-00c04fd430c8"
	}
	return "is invalid (" + fe.Tag() + ")"
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int32:
		return "a whole number from -2147483648 to 2147483647"
	case reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	}
	return "a " + t.String()
}

// idParam reads the :id of the path; an ID that cannot exist answers 404.
func idParam(c *gin.Context) (uint64, bool) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "not found"})
		return 0, false
	}
	return id, true
}

// A list answers one page at a time: ?limit= rows (defaultPageSize, at most
// maxPageSize, so that no request reads a whole table into memory), after
// ?cursor=, the next_cursor of the page before.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// pageQuery reads ?limit= and ?cursor=; a bad one answers 400.
func pageQuery(c *gin.Context) (after uint64, limit int, ok bool) {
	limit = defaultPageSize
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "limit must be a whole number from 1 to " + strconv.Itoa(maxPageSize)})
			return 0, 0, false
		}
		limit = n
	}
	if s := c.Query("cursor"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "cursor must be the next_cursor of a page"})
			return 0, 0, false
		}
		after = n
	}
	return after, limit, true
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
