// Command k8scheck validates a `kustomize build` output read from stdin with
// the upstream Kubernetes code, offline (there is no cluster here):
//
//   - every object is decoded strictly (unknown or duplicate fields are
//     errors) into its k8s.io/api type, chosen by apiVersion and kind; an
//     apiVersion/kind outside that list (autoscaling/v2beta2, say) is an error;
//   - names, labels and port names are checked with apimachinery's validators;
//   - every pod template is evaluated by k8s.io/pod-security-admission's
//     policy code at level restricted, latest version: any check that does
//     not allow it is an error.
//
// On success it prints a JSON summary (object count, kinds) and exits 0;
// otherwise it prints one line per problem and exits 1.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

// known maps apiVersion/kind to a new typed object.
var known = map[string]func() any{
	"v1/ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1/Service":                             func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                      func() any { return &corev1.ServiceAccount{} },
	"v1/PersistentVolumeClaim":               func() any { return &corev1.PersistentVolumeClaim{} },
	"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                           func() any { return &batchv1.Job{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":     func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":           func() any { return &networkingv1.Ingress{} },
	// The Prometheus Operator's resources (components/prometheus-operator):
	// their fields are checked by kubeconform against the operator's CRD
	// schemas; here their names and labels.
	"monitoring.coreos.com/v1/PodMonitor":     func() any { return &metav1.PartialObjectMetadata{} },
	"monitoring.coreos.com/v1/PrometheusRule": func() any { return &metav1.PartialObjectMetadata{} },
}

type summary struct {
	Objects int            `json:"objects"`
	Kinds   map[string]int `json:"kinds"`
	Pods    int            `json:"podTemplatesChecked"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "schemas" {
		if err := writeSchemas(os.Args[2], os.Args[3], os.Args[4:]); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		return
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	s, problems := check(in)
	if len(problems) > 0 {
		fmt.Println(strings.Join(problems, "\n"))
		os.Exit(1)
	}
	out, _ := json.Marshal(s)
	fmt.Println(string(out))
}

func check(in []byte) (summary, []string) {
	s := summary{Kinds: map[string]int{}}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return s, []string{err.Error()}
	}
	restricted := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}

	for i, doc := range splitDocs(in) {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			fail("document %d: %v", i, err)
			continue
		}
		newObj, ok := known[head.APIVersion+"/"+head.Kind]
		if !ok {
			fail("document %d: unexpected apiVersion/kind %s/%s", i, head.APIVersion, head.Kind)
			continue
		}
		obj := newObj()
		decode := yaml.UnmarshalStrict
		if _, partial := obj.(*metav1.PartialObjectMetadata); partial {
			decode = yaml.Unmarshal
		}
		if err := decode(doc, obj); err != nil {
			fail("document %d (%s): %v", i, head.Kind, err)
			continue
		}
		s.Objects++
		s.Kinds[head.Kind]++
		meta := objectMeta(obj)
		where := head.Kind + "/" + meta.Name
		for _, msg := range validation.IsDNS1123Subdomain(meta.Name) {
			fail("%s: name: %s", where, msg)
		}
		for k, v := range meta.Labels {
			for _, msg := range append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...) {
				fail("%s: label %s: %s", where, k, msg)
			}
		}
		switch o := obj.(type) {
		case *corev1.Service:
			for _, msg := range validation.IsDNS1035Label(o.Name) {
				fail("%s: service name: %s", where, msg)
			}
			for _, p := range o.Spec.Ports {
				for _, msg := range validation.IsValidPortName(p.Name) {
					fail("%s: port name %q: %s", where, p.Name, msg)
				}
			}
		case *appsv1.Deployment:
			s.Pods++
			for _, c := range o.Spec.Template.Spec.Containers {
				for _, p := range c.Ports {
					for _, msg := range validation.IsValidPortName(p.Name) {
						fail("%s: container port name %q: %s", where, p.Name, msg)
					}
				}
			}
			for _, r := range evaluator.EvaluatePod(restricted, &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec) {
				if !r.Allowed {
					fail("%s: pod security restricted: %s: %s", where, r.ForbiddenReason, r.ForbiddenDetail)
				}
			}
		case *batchv1.Job:
			s.Pods++
			for _, r := range evaluator.EvaluatePod(restricted, &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec) {
				if !r.Allowed {
					fail("%s: pod security restricted: %s: %s", where, r.ForbiddenReason, r.ForbiddenDetail)
				}
			}
		}
	}
	if s.Objects == 0 && len(problems) == 0 {
		fail("no objects in the input")
	}
	return s, problems
}

func objectMeta(obj any) metav1.ObjectMeta {
	if o, ok := obj.(metav1.Object); ok {
		return metav1.ObjectMeta{Name: o.GetName(), Labels: o.GetLabels()}
	}
	return metav1.ObjectMeta{}
}

// splitDocs splits a YAML stream on its "---" separator lines.
func splitDocs(in []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if len(bytes.TrimSpace(cur.Bytes())) > 0 {
			docs = append(docs, bytes.Clone(cur.Bytes()))
		}
		cur.Reset()
	}
	for _, line := range bytes.SplitAfter(in, []byte("\n")) {
		if string(bytes.TrimRight(line, " \r\n")) == "---" {
			flush()
			continue
		}
		cur.Write(line)
	}
	flush()
	return docs
}
