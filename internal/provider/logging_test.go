package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// logLine finds a provider log line msg about one HTTP exchange with its
// method, path and status (and, for "HTTP request" lines, the latency),
// whatever order the logger writes the fields in.
func logLine(log, msg, method, pathPattern, status string) bool {
	fields := []*regexp.Regexp{
		regexp.MustCompile(`\bmethod=` + method + `\b`),
		regexp.MustCompile(`\bpath=` + pathPattern + `(\s|$)`),
		regexp.MustCompile(`\bstatus=` + status + `\b`),
	}
	if msg == "HTTP request" {
		fields = append(fields, regexp.MustCompile(`\blatency_ms=\d+\b`))
	}
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, ": "+msg+": ") {
			continue
		}
		all := true
		for _, f := range fields {
			all = all && f.MatchString(line)
		}
		if all {
			return true
		}
	}
	return false
}

// `TF_LOG=TRACE terraform apply` — the most verbose log a user can hand to
// a bug report — never contains the useapi.net token or the Apikley key,
// through creates, retries after 429 and 5xx, polls and refreshes on both
// gateways; yet each HTTP exchange is logged with its method, path, status
// and latency.
func TestLogging_traceLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	const token = "user:1234-trace-secret-7c0ffee5"
	const apikleyKey = "apikley-trace-secret-5eed1e55"
	sim := newTestSim(t, simulator.Options{Token: token})
	sim.Inject(simulator.Fault{Method: "POST", Path: "/gen2/extend", Status: 429, Busy429: true})
	sim.Inject(simulator.Fault{Method: "GET", Path: "/tasks/", Status: 503})
	ak := newTestApikley(t, apikleysim.Options{APIKey: apikleyKey})

	logPath := filepath.Join(t.TempDir(), "terraform.log")
	ws := newWorkspace(t, fmt.Sprintf(`
provider "runway" {
  endpoint            = %q
  api_token           = %q
  poll_interval       = "100ms"
  max_poll_interval   = "500ms"
  busy_retry_interval = "100ms"
  apikley = {
    api_key  = %q
    endpoint = %q
  }
}

resource "runway_gen2_extension" "clip" {
  asset_id = %q
  motion   = 5
}

resource "runway_apikley_video" "clip" {
  prompt       = "a red fox running through fresh snow"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"
}
`, sim.endpoint, token, apikleyKey, ak.endpoint, sim.demoVideo()), "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)

	ws.mustRun("apply", "-auto-approve", "-input=false")
	ws.mustRun("plan", "-input=false") // refreshes: a GET on each gateway
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	for _, secret := range []string{token, apikleyKey} {
		if i := strings.Index(log, secret); i >= 0 {
			start := max(0, strings.LastIndex(log[:i], "\n"))
			end := min(len(log), i+200)
			t.Errorf("the TRACE log contains a secret:\n%s", log[start:end])
		}
	}
	if sim.Stats().Creates != 1 || sim.PendingFaults() != 0 || ak.Stats().Creates != 1 {
		t.Fatalf("creates = %d/%d, unused faults = %d: the run did not exercise what it should",
			sim.Stats().Creates, ak.Stats().Creates, sim.PendingFaults())
	}

	// The endpoints in use are logged (redacted, which leaves these whole).
	for _, field := range []string{"useapi_endpoint=" + sim.endpoint, "apikley_endpoint=" + ak.endpoint} {
		if !strings.Contains(log, field) {
			t.Errorf("the log has no %s", field)
		}
	}

	// Every attempt, refused or not, is one "HTTP request" line; the
	// refusals are followed by a "retrying request" warning.
	for _, c := range []struct {
		what, msg, method, path, status string
	}{
		{"refused create", "HTTP request", "POST", `/v1/runwayml/gen2/extend`, "429"},
		{"resubmitted create", "retrying request", "POST", `/v1/runwayml/gen2/extend`, "429"},
		{"accepted create", "HTTP request", "POST", `/v1/runwayml/gen2/extend`, "200"},
		{"failed poll", "HTTP request", "GET", `/v1/runwayml/tasks/\S+`, "503"},
		{"retried poll", "retrying request", "GET", `/v1/runwayml/tasks/\S+`, "503"},
		{"poll", "HTTP request", "GET", `/v1/runwayml/tasks/\S+`, "200"},
		{"apikley create", "HTTP request", "POST", `/api/v1/runway/generate`, "200"},
		{"apikley poll", "HTTP request", "GET", `/api/v1/runway/record-detail`, "200"},
	} {
		if !logLine(log, c.msg, c.method, c.path, c.status) {
			t.Errorf("no %q line for the %s: method=%s path=%s status=%s", c.msg, c.what, c.method, c.path, c.status)
		}
	}
}

// An endpoint from the environment with a password or a key in it is
// refused even when its gateway's credential is unset (so the gateway
// would not be used), as a configured one is, and the password or key
// appears neither in the error nor in the TRACE log. The other gateway
// works, so the run gets as far as configuring the provider.
func TestLogging_endpointCredentialsNeverLogged(t *testing.T) {
	t.Parallel()
	const password, queryKey, fragToken = "hunter2-endpoint-pass", "s3cr3t-endpoint-key", "fr4g-endpoint-token"
	leaky := fmt.Sprintf("https://user:%s@gateway.example/v1?key=%s#token=%s", password, queryKey, fragToken)
	sim := newTestSim(t, simulator.Options{})
	ak := newTestApikley(t, apikleysim.Options{})
	cases := []struct {
		name, config, wantSummary string
		env                       []string
	}{
		{
			name: "USEAPI_ENDPOINT without a token",
			config: fmt.Sprintf(`
provider "runway" {
  apikley = {
    api_key  = %q
    endpoint = %q
  }
}

data "runway_apikley_credits" "c" {}
`, apikleyTestKey, ak.endpoint),
			wantSummary: "Invalid useapi.net endpoint in USEAPI_ENDPOINT",
			env:         []string{"USEAPI_ENDPOINT=" + leaky},
		},
		{
			name: "APIKLEY_ENDPOINT without a key",
			config: fmt.Sprintf(`
provider "runway" {
  endpoint  = %q
  api_token = %q
}

data "runway_credits" "c" {}
`, sim.endpoint, simulatorToken),
			wantSummary: "Invalid Apikley endpoint in APIKLEY_ENDPOINT",
			env:         []string{"APIKLEY_ENDPOINT=" + leaky},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logPath := filepath.Join(t.TempDir(), "terraform.log")
			ws := newWorkspace(t, tc.config, append(tc.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)...)
			out, code := ws.run("plan", "-input=false")
			if code == 0 || !strings.Contains(out, tc.wantSummary) || !strings.Contains(out, "REDACTED") {
				t.Errorf("plan exited %d, want an error %q quoting the endpoint redacted:\n%s", code, tc.wantSummary, out)
			}
			raw, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			for where, text := range map[string]string{"output": out, "TRACE log": string(raw)} {
				for _, secret := range []string{password, queryKey, fragToken} {
					if i := strings.Index(text, secret); i >= 0 {
						start := max(0, strings.LastIndex(text[:i], "\n"))
						t.Errorf("the %s contains %q:\n%s", where, secret, text[start:min(len(text), i+200)])
					}
				}
			}
		})
	}
}
