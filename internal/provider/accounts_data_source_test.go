package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

// stateLacks fails when any of the strings appears anywhere in the
// attributes of the resource or data source at addr.
type stateLacks struct {
	addr    string
	secrets func() []string
}

func (c stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("%s: no state", c.addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.addr {
			continue
		}
		raw, err := json.Marshal(r.AttributeValues)
		if err != nil {
			resp.Error = err
			return
		}
		for _, s := range c.secrets() {
			if s != "" && strings.Contains(string(raw), s) {
				resp.Error = fmt.Errorf("%s holds the secret %q: %s", c.addr, s, raw)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", c.addr)
}

// The simulator's account is listed with its capacity and without the
// password or session token the gateway echoes; a 404 (no account
// configured) is an empty list, not an error.
func TestAccAccountsDataSource_listsAccountWithoutSecrets(t *testing.T) {
	sim := newTestSim(t, simulator.Options{MaxJobs: 2})
	ds := "data.runway_accounts.all"
	config := sim.providerBlock() + `
data "runway_accounts" "all" {}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("accounts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"email":    knownvalue.StringExact(simulator.DefaultAccountEmail),
							"max_jobs": knownvalue.Int64Exact(2),
							"error":    knownvalue.Null(),
						}),
					})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("emails"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(simulator.DefaultAccountEmail),
					})),
					stringValue(ds, "id", "accounts"),
					stateLacks{addr: ds, secrets: func() []string {
						return []string{simulator.MaskedPassword, sim.SessionToken(), "password", "jwt"}
					}},
				},
			},
			{
				PreConfig: func() {
					sim.Inject(simulator.Fault{Method: "GET", Path: "/accounts", Status: 404, Times: -1})
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("accounts"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("emails"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}
