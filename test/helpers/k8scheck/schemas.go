package main

// "k8scheck schemas <dir> <swagger.json> <crd.yaml>..." writes the JSON
// schemas kubeconform reads (-schema-location '<dir>/{{.ResourceKind}}{{.KindSuffix}}.json'),
// offline, from two upstream sources the Go module proxy serves:
//
//   - Kubernetes' own OpenAPI document, api/openapi-spec/swagger.json of the
//     k8s.io/kubernetes module at the release of k8s.io/api used here: one
//     schema per kind, with the definitions it references;
//   - the Prometheus Operator's CRDs (example/prometheus-operator-crd of its
//     module): one schema per served version, its openAPIV3Schema.
//
// As kubeconform's own "standalone-strict" schemas (openapi2jsonschema
// --strict): every object with declared properties refuses others, and
// int-or-string and resource quantities take either form.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

type schema = map[string]any

func writeSchemas(dir, swaggerPath string, crds []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := os.ReadFile(swaggerPath)
	if err != nil {
		return err
	}
	var doc struct {
		Definitions map[string]schema `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", swaggerPath, err)
	}
	for name, def := range doc.Definitions {
		doc.Definitions[name] = strict(def).(schema)
	}
	// The two scalar types that take a string or a number.
	doc.Definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "integer"}}}
	doc.Definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "number"}}}

	written := 0
	for name, def := range doc.Definitions {
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(map[string]any)
			group, version, kind := gvk["group"].(string), gvk["version"].(string), gvk["kind"].(string)
			// Only the kinds themselves (DeleteOptions and WatchEvent carry many).
			if !strings.HasSuffix(name, "."+kind) {
				continue
			}
			out := schema{"$ref": "#/definitions/" + name, "definitions": closure(doc.Definitions, name)}
			if err := writeJSON(filepath.Join(dir, fileName(kind, group, version)), out); err != nil {
				return err
			}
			written++
		}
	}
	for _, path := range crds {
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Schema struct {
						OpenAPIV3Schema schema `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(raw, &crd); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, v := range crd.Spec.Versions {
			if err := writeJSON(filepath.Join(dir, fileName(crd.Spec.Names.Kind, crd.Spec.Group, v.Name)), strict(v.Schema.OpenAPIV3Schema)); err != nil {
				return err
			}
			written++
		}
	}
	if written == 0 {
		return fmt.Errorf("no schemas written")
	}
	fmt.Printf("%d schemas in %s\n", written, dir)
	return nil
}

// fileName is kubeconform's {{.ResourceKind}}{{.KindSuffix}}.json: the kind
// in lower case, the group's first label, the version.
func fileName(kind, group, version string) string {
	suffix := "-" + version
	if group != "" {
		suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + suffix
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// strict closes every object schema that declares properties (unless it
// says it keeps unknown fields), and turns "int-or-string" formats into
// either type, recursively.
func strict(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = strict(e)
		}
		if t["format"] == "int-or-string" {
			return schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "integer"}}}
		}
		_, props := t["properties"]
		_, has := t["additionalProperties"]
		if props && !has && t["x-kubernetes-preserve-unknown-fields"] != true {
			t["additionalProperties"] = false
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = strict(e)
		}
	}
	return v
}

// closure is the definitions name references, itself included.
func closure(defs map[string]schema, name string) map[string]schema {
	out := map[string]schema{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok {
				n := strings.TrimPrefix(ref, "#/definitions/")
				if _, seen := out[n]; !seen {
					out[n] = defs[n]
					walk(defs[n])
				}
			}
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	out[name] = defs[name]
	walk(defs[name])
	return out
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
