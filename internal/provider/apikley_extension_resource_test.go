package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// A generation feeds an extension, which feeds an extension of the
// extension; its cover feeds an image-to-video generation whose image_url
// is unknown at plan time (so the aspect_ratio check waits for it). Each
// resource is one paid create.
func TestAccApikleyExtension_chain(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	clip, more, evenMore, fromCover := "runway_apikley_video.clip", "runway_apikley_extension.more",
		"runway_apikley_extension.even_more", "runway_apikley_video.from_cover"
	config := gw.providerBlock() + `
resource "runway_apikley_video" "clip" {
  prompt       = "a red fox running through fresh snow"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"
}

resource "runway_apikley_extension" "more" {
  task_id = runway_apikley_video.clip.id
  prompt  = "the fox jumps over a frozen creek"
  quality = "720p"
}

resource "runway_apikley_extension" "even_more" {
  task_id   = runway_apikley_extension.more.id
  prompt    = "the fox disappears into the forest"
  quality   = "1080p"
  watermark = ""
}

resource "runway_apikley_video" "from_cover" {
  prompt    = "the snow starts to fall"
  duration  = 10
  quality   = "720p"
  image_url = runway_apikley_video.clip.cover_image_url
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(more, tfjsonpath.New("task_id"), clip, tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs(more, tfjsonpath.New("parent_task_id"), clip, tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs(evenMore, tfjsonpath.New("parent_task_id"), more, tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs(fromCover, tfjsonpath.New("image_url"), clip, tfjsonpath.New("cover_image_url"), compareEqual),
					statecheck.ExpectKnownValue(clip, tfjsonpath.New("parent_task_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(fromCover, tfjsonpath.New("parent_task_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(fromCover, tfjsonpath.New("aspect_ratio"), knownvalue.Null()),
					stringValue(more, "status", "success"),
					stringValue(evenMore, "status", "success"),
					stringValue(fromCover, "status", "success"),
					stringMatches(more, "id", apikleyTaskIDPattern),
					stringMatches(evenMore, "video_url", apikleyVideoURLPattern),
					stringMatches(evenMore, "cover_image_url", apikleyCoverURLPattern),
					apikleyExpiryCheck(evenMore),
					statecheck.ExpectKnownValue(evenMore, tfjsonpath.New("error"), knownvalue.Null()),
					gw.expectCreates(4),
					simCheck(func() error {
						byPath := gw.Stats().CreatesByPath
						if byPath[apikleysim.PathGenerate] != 2 || byPath[apikleysim.PathExtend] != 2 {
							return fmt.Errorf("creates by path = %v, want 2 generate and 2 extend", byPath)
						}
						return nil
					}),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{gw.expectCreates(4)},
			},
		},
	})
}

// Extending a task the gateway does not know fails with the gateway's
// message and what to do; nothing is created or saved.
func TestAccApikleyExtension_unknownTask(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: gw.providerBlock() + `
resource "runway_apikley_extension" "test" {
  task_id = "00000000-0000-4000-8000-00000000dead"
  prompt  = "more"
  quality = "720p"
}
`,
			ExpectError: errorPattern(`Runway generation not submitted.*code 404.*00000000-0000-4000-8000-00000000dead not found.*Apikley does not know this task id`),
		}},
	})
	if got := gw.Stats().Creates; got != 0 {
		t.Errorf("creates = %d, want 0", got)
	}
}

// Destroy of an Apikley resource only forgets it; importing it again by
// its id restores it, and applying the configuration then adopts the
// inputs the gateway does not echo in place, without a new task.
func TestAccApikleyExtension_forgetImportAdopt(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	addr := "runway_apikley_extension.more"
	source := `
resource "runway_apikley_video" "clip" {
  prompt       = "waves on a beach"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "1:1"
}
`
	withExtension := gw.providerBlock() + source + `
resource "runway_apikley_extension" "more" {
  task_id      = runway_apikley_video.clip.id
  prompt       = "a surfer rides the wave"
  quality      = "720p"
  watermark    = "studio"
  callback_url = "https://hooks.example.com/runway"
}
`
	var extensionID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: withExtension,
				Check: func(s *terraform.State) error {
					extensionID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				// The inputs record-detail does not echo (task_id and
				// prompt are: parentTaskId and generateParam.prompt).
				ImportStateVerifyIgnore: []string{"quality", "watermark", "callback_url", "timeouts"},
			},
			{
				// Removed from the configuration: forgotten, not deleted.
				Config:            gw.providerBlock() + source,
				ConfigStateChecks: []statecheck.StateCheck{gw.expectCreates(2)},
			},
			{
				Config:             withExtension,
				ResourceName:       addr,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return extensionID, nil },
			},
			{
				Config: withExtension,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
						if v != extensionID {
							return fmt.Errorf("id %s, want the imported %s", v, extensionID)
						}
						return nil
					})),
					stringValue(addr, "quality", "720p"),
					stringValue(addr, "watermark", "studio"),
					stringValue(addr, "status", "success"),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("parent_task_id"), "runway_apikley_video.clip", tfjsonpath.New("id"), compareEqual),
					gw.expectCreates(2),
				},
			},
		},
	})
}
