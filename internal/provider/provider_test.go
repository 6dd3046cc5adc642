package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// testProviders serves the provider in-process to the Terraform CLI.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"runway": providerserver.NewProtocol6WithError(New("test")()),
}

// simulatorToken is the token the test simulators accept.
const simulatorToken = "user:1234-simulator"

// TestMain clears the provider's environment variables: configuration must
// come from each test, never from the developer's shell. (t.Setenv cannot be
// used by parallel tests.)
func TestMain(m *testing.M) {
	for _, env := range []string{envUseapiToken, envUseapiEndpoint, envApikleyAPIKey, envApikleyEndpoint} {
		_ = os.Unsetenv(env)
	}
	// The in-process provider's crash journal goes to a scratch directory,
	// not into the package's source tree (its working directory).
	scratch, err := os.MkdirTemp("", "runway-provider-test-")
	if err != nil {
		panic(err)
	}
	_ = os.Setenv(envCrashJournal, filepath.Join(scratch, crashJournalFile))
	code := m.Run()
	_ = os.RemoveAll(scratch)
	removeProviderBuild() // the subprocess tests' provider binary
	os.Exit(code)
}

// testSim is a gateway simulator served on loopback for one test.
type testSim struct {
	*simulator.Simulator
	endpoint string
}

// newTestSim starts a simulator with short task times suitable for tests.
func newTestSim(t *testing.T, opts simulator.Options) *testSim {
	t.Helper()
	if opts.Token == "" {
		opts.Token = simulatorToken
	}
	if opts.TaskDuration == 0 {
		opts.TaskDuration = 400 * time.Millisecond
	}
	opts.SeedDemoAssets = true
	sim := simulator.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &testSim{Simulator: sim, endpoint: srv.URL + "/v1/runwayml"}
}

// demoVideo is the id of a seeded demo video asset.
func (s *testSim) demoVideo() string { return s.DemoAssetIDs()[0] }

// providerBlock configures the provider against the simulator, polling fast.
func (s *testSim) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "runway" {
  endpoint            = %q
  api_token           = %q
  poll_interval       = "100ms"
  max_poll_interval   = "500ms"
  busy_retry_interval = "100ms"
  %s
}
`, s.endpoint, simulatorToken, strings.Join(extra, "\n  "))
}

// apikleyTestKey is the API key the test Apikley simulators accept.
const apikleyTestKey = "apikley-test-key"

// testApikley is an Apikley gateway simulator served on loopback for one
// test.
type testApikley struct {
	*apikleysim.Gateway
	endpoint string
}

// newTestApikley starts an Apikley simulator with short task times suitable
// for tests.
func newTestApikley(t *testing.T, opts apikleysim.Options) *testApikley {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = apikleyTestKey
	}
	if opts.TaskDuration == 0 {
		opts.TaskDuration = 300 * time.Millisecond
	}
	gw := apikleysim.New(opts)
	srv := httptest.NewServer(gw)
	t.Cleanup(func() {
		srv.Close()
		gw.Close()
	})
	return &testApikley{Gateway: gw, endpoint: srv.URL}
}

// providerBlock configures only the Apikley gateway against the simulator,
// polling fast: Apikley resources must not need a useapi.net token.
func (a *testApikley) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "runway" {
  poll_interval     = "100ms"
  max_poll_interval = "500ms"
  apikley = {
    api_key  = %q
    endpoint = %q
  }
  %s
}
`, apikleyTestKey, a.endpoint, strings.Join(extra, "\n  "))
}

// expectCreates asserts how many paid creates (generate and extend) the
// Apikley simulator accepted.
func (a *testApikley) expectCreates(want int) simCheck {
	return func() error {
		if got := a.Stats().Creates; got != want {
			return fmt.Errorf("apikley simulator accepted %d creates, want %d", got, want)
		}
		return nil
	}
}

// simCheck turns an assertion on the simulator's counters into a state check,
// run after the step's apply.
type simCheck func() error

func (f simCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if err := f(); err != nil {
		resp.Error = err
	}
}

// expectCreates asserts how many paid creates the simulator accepted.
func (s *testSim) expectCreates(want int) simCheck {
	return func() error {
		if got := s.Stats().Creates; got != want {
			return fmt.Errorf("simulator accepted %d creates, want %d", got, want)
		}
		return nil
	}
}

// errorPattern compiles an expected-error pattern in which every space also
// matches the line breaks Terraform inserts when it wraps diagnostics.
func errorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

func stringValue(addr, attr, want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(want))
}

func stringMatches(addr, attr string, re *regexp.Regexp) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringRegexp(re))
}

var (
	taskIDPattern  = regexp.MustCompile(`^user:1234-runwayml:demo@runway\.local-task:[0-9a-f-]{36}$`)
	assetIDPattern = regexp.MustCompile(`^user:1234-runwayml:demo@runway\.local-asset:[0-9a-f-]{36}$`)
	fileURLPattern = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/files/[0-9a-f-]{36}\.mp4\?_jwt=`)
)

func TestAccProvider_missingToken(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "runway" {
  endpoint = %q
}
resource "runway_gen2_extension" "test" {
  asset_id = %q
}
`, sim.endpoint, sim.demoVideo()),
			ExpectError: errorPattern(`no useapi.net API token.*USEAPI_TOKEN`),
		}},
	})
	if got := sim.Stats().Requests; got != 0 {
		t.Errorf("the provider sent %d requests without a token", got)
	}
}

func TestAccProvider_plainHTTPEndpointRefused(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: `
provider "runway" {
  endpoint  = "http://api.example.com/v1/runwayml"
  api_token = "user:1-secret"
}
resource "runway_gen2_extension" "test" {
  asset_id = "user:1-runwayml:a@b.c-asset:x"
}
`,
			ExpectError: errorPattern(`Invalid endpoint.*https`),
		}},
	})
}

func TestAccProvider_wrongTokenIsExplained(t *testing.T) {
	sim := newTestSim(t, simulator.Options{Token: "user:1234-the-right-one"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "test" {
  asset_id = %q
}
`, sim.demoVideo()),
			ExpectError: errorPattern(`401.*Unauthorized.*(api_token|USEAPI_TOKEN)`),
		}},
	})
	if got := sim.Stats().Creates; got != 0 {
		t.Errorf("creates = %d, want 0", got)
	}
}
