package deploy_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/upstream"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// manifests are the objects of one or more YAML files, each decoded strictly (an
// unknown or duplicate field is an error) into its Kubernetes API type.
type manifests struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	budgets     []policyv1.PodDisruptionBudget
	configMaps  []corev1.ConfigMap
	secrets     []corev1.Secret
}

func decodeManifests(t *testing.T, path string) manifests {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var m manifests
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, path)
		var tm metav1.TypeMeta
		require.NoError(t, yaml.Unmarshal(doc, &tm), path)
		switch gvk := tm.GroupVersionKind(); gvk {
		case appsv1.SchemeGroupVersion.WithKind("Deployment"):
			m.deployments = append(m.deployments, strict[appsv1.Deployment](t, path, doc))
		case corev1.SchemeGroupVersion.WithKind("Service"):
			m.services = append(m.services, strict[corev1.Service](t, path, doc))
		case policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"):
			m.budgets = append(m.budgets, strict[policyv1.PodDisruptionBudget](t, path, doc))
		case corev1.SchemeGroupVersion.WithKind("ConfigMap"):
			m.configMaps = append(m.configMaps, strict[corev1.ConfigMap](t, path, doc))
		case corev1.SchemeGroupVersion.WithKind("Secret"):
			m.secrets = append(m.secrets, strict[corev1.Secret](t, path, doc))
		default:
			t.Fatalf("%s: unexpected object %v:\n%s", path, gvk, doc)
		}
	}
	return m
}

func strict[T any](t *testing.T, path string, doc []byte) T {
	t.Helper()
	var v T
	require.NoError(t, yaml.UnmarshalStrict(doc, &v), "%s:\n%s", path, doc)
	return v
}

// example is deploy/kubernetes/example/config.yaml: the ConfigMap and the Secrets
// (by name) the Deployments read.
func example(t *testing.T) (corev1.ConfigMap, map[string]corev1.Secret) {
	t.Helper()
	m := decodeManifests(t, filepath.Join("kubernetes", "example", "config.yaml"))
	require.Len(t, m.configMaps, 1)
	require.Len(t, m.secrets, 2, "the Slack app's secrets and the database URL")
	require.Empty(t, m.deployments)
	secrets := map[string]corev1.Secret{}
	for _, s := range m.secrets {
		secrets[s.Name] = s
	}
	return m.configMaps[0], secrets
}

// httpMode is one binary's HTTP mode and what its manifest must agree with.
type httpMode struct {
	file       string
	binary     string
	listenFlag string // the flag naming the listen address
	drainFlag  string // how long requests in flight may take after SIGTERM
	healthPath string
	fromSecret []string // env that must come from the Secret
	never      []string // env that must not be set
	// measured and peak are the resident memory the README reports for a typical
	// load and for the heaviest run measured.
	measured, peak resource.Quantity
}

var httpModes = []httpMode{
	{
		file: "gitscrum-mcp.yaml", binary: "gitscrum-mcp", listenFlag: "http", drainFlag: "shutdown-timeout",
		healthPath: tools.HealthPath,
		fromSecret: []string{state.EnvDatabase},
		// On a non-loopback address the server never uses a token of its own.
		never: []string{upstream.EnvToken},
		// 18.6 MiB after 1,000 calls; a 100k-client list adds 97 MiB of heap.
		measured: resource.MustParse("18.6Mi"), peak: resource.MustParse("116Mi"),
	},
	{
		file: "gitscrum-slack.yaml", binary: "gitscrum-slack", listenFlag: "addr", drainFlag: "drain-timeout",
		healthPath: slackbot.HealthPath,
		fromSecret: []string{upstream.EnvToken, "SLACK_SIGNING_SECRET", state.EnvDatabase},
		// With SLACK_BOT_TOKEN it would switch to Socket Mode.
		never: []string{"SLACK_APP_TOKEN"},
		// 57.5 MiB at 200 concurrent commands, 123 MiB at 500.
		measured: resource.MustParse("57.5Mi"), peak: resource.MustParse("123Mi"),
	},
}

// goRuntimeEnv are variables the Go runtime reads, which no binary documents.
var goRuntimeEnv = map[string]bool{"GOMEMLIMIT": true}

// secretEnv are the variables that hold secrets.
var secretEnv = map[string]bool{upstream.EnvToken: true, "SLACK_SIGNING_SECRET": true, "SLACK_BOT_TOKEN": true, "SLACK_APP_TOKEN": true,
	state.EnvDatabase: true} // a PostgreSQL URL holds a password

// imageUser is the UID and GID the Dockerfile's images run as.
func imageUser(t *testing.T, bin string) (uid, gid int64) {
	t.Helper()
	return mustParseDockerfile(t).image(t, bin).ids(t)
}

// flagArgs parses container args of the form --name=value or --name.
func flagArgs(t *testing.T, args []string) map[string]string {
	t.Helper()
	flags := map[string]string{}
	for _, a := range args {
		require.True(t, strings.HasPrefix(a, "--"), "arg %q is a --flag", a)
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		flags[name] = value
	}
	return flags
}

func TestManifests(t *testing.T) {
	cm, secrets := example(t)
	for _, mode := range httpModes {
		t.Run(mode.binary, func(t *testing.T) {
			m := decodeManifests(t, filepath.Join("kubernetes", mode.file))
			require.Len(t, m.deployments, 1)
			require.Len(t, m.services, 1)
			require.Len(t, m.budgets, 1)
			dep, svc, pdb := m.deployments[0], m.services[0], m.budgets[0]
			assert.Equal(t, mode.binary, dep.Name)

			// Selectors: the Deployment, Service and budget all pick its pods.
			podLabels := labels.Set(dep.Spec.Template.Labels)
			sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
			require.NoError(t, err)
			assert.True(t, sel.Matches(podLabels), "the Deployment selects its pods")
			assert.True(t, labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels), "the Service selects the pods")
			assert.NotEmpty(t, svc.Spec.Selector)
			pdbSel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
			require.NoError(t, err)
			assert.True(t, pdbSel.Matches(podLabels), "the budget covers the pods")
			require.NotNil(t, dep.Spec.Replicas)
			require.NotNil(t, pdb.Spec.MinAvailable)
			assert.GreaterOrEqual(t, *dep.Spec.Replicas, int32(2), "two pods, so one may be disrupted")
			assert.Less(t, pdb.Spec.MinAvailable.IntValue(), int(*dep.Spec.Replicas), "the budget lets a node drain")

			pod := dep.Spec.Template.Spec
			require.Len(t, pod.Containers, 1)
			c := pod.Containers[0]
			assert.Equal(t, mode.binary, c.Name)
			assert.True(t, strings.HasPrefix(c.Image, mode.binary+":"), "image %q is built with BINARY=%s", c.Image, mode.binary)

			// Flags exist in the binary, and it listens on every interface at the
			// container port.
			binFlags := helpFlags(t, binary(t, mode.binary))
			args := flagArgs(t, c.Args)
			for name := range args {
				assert.Contains(t, binFlags, name, "%s has no flag --%s", mode.binary, name)
			}
			require.Len(t, c.Ports, 1)
			port := c.Ports[0]
			assert.Equal(t, corev1.ProtocolTCP, port.Protocol)
			host, p, err := net.SplitHostPort(args[mode.listenFlag])
			require.NoError(t, err, "--%s=HOST:PORT", mode.listenFlag)
			assert.Equal(t, "0.0.0.0", host, "reachable from the kubelet and the Service")
			assert.False(t, tools.IsLoopbackAddr(&net.TCPAddr{IP: net.ParseIP(host)}))
			assert.Equal(t, strconv.Itoa(int(port.ContainerPort)), p, "--%s listens on the container port", mode.listenFlag)

			// Probes hit the binary's health endpoint on that port.
			for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
				require.NotNil(t, probe, name)
				require.NotNil(t, probe.HTTPGet, name)
				assert.Equal(t, mode.healthPath, probe.HTTPGet.Path, name)
				assert.Equal(t, intstr.FromString(port.Name), probe.HTTPGet.Port, name)
			}
			require.Len(t, svc.Spec.Ports, 1)
			assert.Equal(t, intstr.FromString(port.Name), svc.Spec.Ports[0].TargetPort)
			assert.Equal(t, corev1.ServiceTypeClusterIP, svc.Spec.Type, "exposed through your own Ingress or proxy, with TLS")

			// Resources: requests and limits, from the README's measurements.
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, okReq := c.Resources.Requests[res]
				lim, okLim := c.Resources.Limits[res]
				require.True(t, okReq && okLim, "%s request and limit", res)
				assert.LessOrEqual(t, req.Cmp(lim), 0, "%s request ≤ limit", res)
			}
			memReq, memLim := c.Resources.Requests[corev1.ResourceMemory], c.Resources.Limits[corev1.ResourceMemory]
			assert.GreaterOrEqual(t, memReq.Cmp(mode.measured), 0, "memory request %s ≥ measured %s", memReq.String(), mode.measured.String())
			twicePeak := mode.peak.DeepCopy()
			twicePeak.Add(mode.peak)
			assert.GreaterOrEqual(t, memLim.Cmp(twicePeak), 0, "memory limit %s ≥ twice the peak measured, %s", memLim.String(), twicePeak.String())

			// Security: not root, nothing to escalate to, nothing to write.
			uid, gid := imageUser(t, mode.binary)
			assert.Equal(t, &[]bool{false}[0], pod.AutomountServiceAccountToken, "no Kubernetes API token in the pod")
			for name, sc := range map[string]struct {
				nonRoot   *bool
				uid, gid  *int64
				seccompOK bool
			}{
				"pod":       {pod.SecurityContext.RunAsNonRoot, pod.SecurityContext.RunAsUser, pod.SecurityContext.RunAsGroup, pod.SecurityContext.SeccompProfile != nil && pod.SecurityContext.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault},
				"container": {c.SecurityContext.RunAsNonRoot, c.SecurityContext.RunAsUser, c.SecurityContext.RunAsGroup, true},
			} {
				require.NotNil(t, sc.nonRoot, name)
				assert.True(t, *sc.nonRoot, name)
				require.NotNil(t, sc.uid, name)
				require.NotNil(t, sc.gid, name)
				assert.Equal(t, uid, *sc.uid, "%s: the image's USER", name)
				assert.Equal(t, gid, *sc.gid, "%s: the image's USER", name)
				assert.True(t, sc.seccompOK, "%s: seccomp RuntimeDefault", name)
			}
			csc := c.SecurityContext
			require.NotNil(t, csc.ReadOnlyRootFilesystem)
			assert.True(t, *csc.ReadOnlyRootFilesystem)
			require.NotNil(t, csc.AllowPrivilegeEscalation)
			assert.False(t, *csc.AllowPrivilegeEscalation)
			require.NotNil(t, csc.Capabilities)
			assert.Equal(t, []corev1.Capability{"ALL"}, csc.Capabilities.Drop)
			assert.Empty(t, csc.Capabilities.Add)
			assert.Nil(t, csc.Privileged)

			// Environment: documented by the binary; secrets only from the Secret,
			// and every reference resolves in the example ConfigMap and Secret.
			documented := documentedEnv(t, mode.binary)
			set := map[string]corev1.EnvVar{}
			for _, e := range c.Env {
				set[e.Name] = e
				assert.True(t, documented[e.Name] || goRuntimeEnv[e.Name], "%s does not document %s", mode.binary, e.Name)
				if secretEnv[e.Name] {
					require.NotNil(t, e.ValueFrom, "%s comes from a Secret", e.Name)
					require.NotNil(t, e.ValueFrom.SecretKeyRef, "%s comes from a Secret", e.Name)
					assert.Empty(t, e.Value)
				}
				if e.ValueFrom == nil {
					continue
				}
				if ref := e.ValueFrom.SecretKeyRef; ref != nil {
					require.Contains(t, secrets, ref.Name, e.Name)
					assert.Contains(t, secrets[ref.Name].StringData, ref.Key, e.Name)
				}
				if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
					assert.Equal(t, cm.Name, ref.Name, e.Name)
					assert.Contains(t, cm.Data, ref.Key, e.Name)
					require.NotNil(t, ref.Optional, e.Name)
					assert.True(t, *ref.Optional, "%s: the ConfigMap is optional", e.Name)
				}
			}
			assert.Empty(t, c.EnvFrom, "every variable is named, so the test can check it")
			for _, name := range mode.fromSecret {
				require.Contains(t, set, name)
				ref := set[name].ValueFrom.SecretKeyRef
				assert.True(t, ref.Optional == nil || !*ref.Optional, "%s is required", name)
			}
			for _, name := range mode.never {
				assert.NotContains(t, set, name)
			}
			// Replicas share their state in PostgreSQL: SQLite means exactly one.
			if *dep.Spec.Replicas > 1 {
				require.Contains(t, set, state.EnvDatabase, "%d replicas need a shared database", *dep.Spec.Replicas)
				ref := set[state.EnvDatabase].ValueFrom.SecretKeyRef
				assert.True(t, strings.HasPrefix(secrets[ref.Name].StringData[ref.Key], "postgres://"),
					"%d replicas share a PostgreSQL database, never a SQLite file", *dep.Spec.Replicas)
			}
			require.Contains(t, set, "GOMEMLIMIT")
			assert.Less(t, goMemLimit(t, set["GOMEMLIMIT"].Value), memLim.Value(), "GOMEMLIMIT below the memory limit")

			// Shutdown: the preStop sleep and the binary's drain fit in the grace period.
			drain, err := time.ParseDuration(args[mode.drainFlag])
			require.NoError(t, err, "--%s", mode.drainFlag)
			require.NotNil(t, c.Lifecycle)
			require.NotNil(t, c.Lifecycle.PreStop)
			require.NotNil(t, c.Lifecycle.PreStop.Sleep)
			preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
			require.NotNil(t, pod.TerminationGracePeriodSeconds)
			grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
			assert.Less(t, preStop+drain, grace, "preStop %s + --%s %s within terminationGracePeriodSeconds", preStop, mode.drainFlag, drain)
		})
	}
}

// goMemLimit parses a GOMEMLIMIT value: bytes with an optional B, KiB, MiB, GiB or
// TiB suffix.
func goMemLimit(t *testing.T, v string) int64 {
	t.Helper()
	mult := int64(1)
	for i, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if strings.HasSuffix(v, unit) {
			v, mult = strings.TrimSuffix(v, unit), int64(1)<<(10*(i+1))
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(v, "B"), 10, 64)
	require.NoError(t, err, "GOMEMLIMIT=%q", v)
	return n * mult
}

// TestManifestRunsTheBinary starts each binary with its container's args (the
// port set to 0, since tests share the machine) and environment, resolved from the
// example ConfigMap and Secret, then does what the kubelet does: probe the health
// path until ready, send SIGTERM, and wait for a clean exit.
func TestManifestRunsTheBinary(t *testing.T) {
	cm, secrets := example(t)
	for _, mode := range httpModes {
		t.Run(mode.binary, func(t *testing.T) {
			m := decodeManifests(t, filepath.Join("kubernetes", mode.file))
			require.Len(t, m.deployments, 1)
			c := m.deployments[0].Spec.Template.Spec.Containers[0]

			args := append([]string(nil), c.Args...)
			for i, a := range args {
				if v, ok := strings.CutPrefix(a, "--"+mode.listenFlag+"="); ok {
					host, _, err := net.SplitHostPort(v)
					require.NoError(t, err)
					args[i] = "--" + mode.listenFlag + "=" + net.JoinHostPort(host, "0")
				}
			}
			// With a PostgreSQL server to test on, the database is real and the
			// store must open; without, the example's host does not resolve and
			// /healthz must answer 200 all the same, saying the store is degraded.
			database, wantStore := "", `"store":"(degraded|starting)"`
			if os.Getenv(statetest.PostgresEnv) != "" {
				database, wantStore = statetest.PostgresURL(t), `"store":"ok"`
			}
			env := hermeticEnv()
			for _, e := range c.Env {
				switch {
				case e.ValueFrom == nil:
					env = append(env, e.Name+"="+e.Value)
				case e.Name == state.EnvDatabase && database != "":
					env = append(env, e.Name+"="+database)
				case e.ValueFrom.SecretKeyRef != nil:
					ref := e.ValueFrom.SecretKeyRef
					env = append(env, e.Name+"="+secrets[ref.Name].StringData[ref.Key])
				case e.ValueFrom.ConfigMapKeyRef != nil:
					env = append(env, e.Name+"="+cm.Data[e.ValueFrom.ConfigMapKeyRef.Key])
				default:
					t.Fatalf("%s: no way to resolve %+v", e.Name, e.ValueFrom)
				}
			}

			p := start(t, binary(t, mode.binary), args, env)
			_, port, err := net.SplitHostPort(p.addr(t))
			require.NoError(t, err)
			url := "http://" + net.JoinHostPort("127.0.0.1", port) + c.ReadinessProbe.HTTPGet.Path
			var health []byte
			require.Eventually(t, func() bool {
				res, err := http.Get(url)
				if err != nil {
					return false
				}
				health, _ = io.ReadAll(res.Body)
				res.Body.Close()
				return res.StatusCode == http.StatusOK && regexp.MustCompile(wantStore).Match(health)
			}, 10*time.Second, 20*time.Millisecond, "GET %s answers 200 with %s; got %s; stderr:\n%s", url, wantStore, health, p.stderr.String())

			grace := time.Duration(*m.deployments[0].Spec.Template.Spec.TerminationGracePeriodSeconds) * time.Second
			p.stop(t, grace)
			for _, secret := range secrets {
				for _, v := range secret.StringData {
					assert.NotContains(t, p.stderr.String(), v, "a secret in the logs")
				}
			}
			assert.NotContains(t, p.stderr.String(), "replace-with-the-password", "the database password in the logs")
		})
	}
}
