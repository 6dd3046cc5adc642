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
