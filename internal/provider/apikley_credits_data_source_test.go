package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// The balance comes from Apikley alone: the provider block configures no
// useapi.net token.
func TestAccApikleyCreditsDataSource_balance(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{Credits: 777})
	ds := "data.runway_apikley_credits.balance"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: gw.providerBlock() + `
data "runway_apikley_credits" "balance" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue(ds, "id", "apikley"),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("balance"), knownvalue.Int64Exact(777)),
			},
		}},
	})
}

func TestAccApikleyCreditsDataSource_wrongKey(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "runway" {
  apikley = {
    api_key  = "not-the-key"
    endpoint = %q
  }
}

data "runway_apikley_credits" "balance" {}
`, gw.endpoint),
			ExpectError: errorPattern(`Reading the Apikley credit balance failed.*401.*api_key`),
		}},
	})
}
