package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

func TestAccAssetsDataSources_seededDemoAssets(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	video := sim.demoVideo()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + fmt.Sprintf(`
data "runway_assets" "videos" {
  media_type = "video"
}

data "runway_assets" "images" {
  media_type = "image"
}

data "runway_assets" "none" {
  name_regex = "^no such asset$"
}

data "runway_asset" "one" {
  id = %q
}
`, video),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.runway_assets.videos", tfjsonpath.New("ids"),
					knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact(video)})),
				statecheck.ExpectKnownValue("data.runway_assets.videos", tfjsonpath.New("assets").AtSliceIndex(0).AtMapKey("media_type"),
					knownvalue.StringExact("video")),
				statecheck.ExpectKnownValue("data.runway_assets.images", tfjsonpath.New("assets").AtSliceIndex(0).AtMapKey("media_type"),
					knownvalue.StringExact("image")),
				statecheck.ExpectKnownValue("data.runway_assets.none", tfjsonpath.New("assets"), knownvalue.ListSizeExact(0)),
				stringValue("data.runway_asset.one", "id", video),
				stringValue("data.runway_asset.one", "media_type", "video"),
				statecheck.ExpectKnownValue("data.runway_asset.one", tfjsonpath.New("width"), knownvalue.NotNull()),
				stringMatches("data.runway_asset.one", "url", regexp.MustCompile(`^http://127\.0\.0\.1:\d+/files/`)),
			},
		}},
	})
}

func TestAccAssetDataSource_unknownID(t *testing.T) {
	sim := newTestSim(t, simulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock() + `
data "runway_asset" "missing" {
  id = "user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-00000000dead"
}
`,
			ExpectError: errorPattern(`Asset .*dead not found.*404`),
		}},
	})
}
