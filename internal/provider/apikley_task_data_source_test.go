package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// Tasks started without waiting are picked up by runway_apikley_task, which
// waits for them: one succeeds, one is moderated (not an error for a data
// source: the state, code and message are exposed).
func TestAccApikleyTaskDataSource_waitsForTasksStartedElsewhere(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	ok, failed := "data.runway_apikley_task.followed", "data.runway_apikley_task.moderated"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: gw.providerBlock() + `
resource "runway_apikley_video" "started" {
  prompt              = "film noir street at night"
  duration            = 5
  quality             = "720p"
  image_url           = "https://images.example.com/street.png"
  wait_for_completion = false
}

resource "runway_apikley_video" "doomed" {
  prompt              = "moderate-me please"
  duration            = 5
  quality             = "720p"
  aspect_ratio        = "16:9"
  wait_for_completion = false
}

data "runway_apikley_task" "followed" {
  task_id             = runway_apikley_video.started.id
  wait_for_completion = true
  timeouts = {
    read = "1m"
  }
}

data "runway_apikley_task" "moderated" {
  task_id             = runway_apikley_video.doomed.id
  wait_for_completion = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				stringValue("runway_apikley_video.started", "status", "wait"),
				statecheck.CompareValuePairs(ok, tfjsonpath.New("id"), "runway_apikley_video.started", tfjsonpath.New("id"), compareEqual),
				stringValue(ok, "status", "success"),
				stringValue(ok, "state", "success"),
				stringValue(ok, "prompt", "film noir street at night"),
				stringValue(ok, "image_url", "https://images.example.com/street.png"),
				stringMatches(ok, "video_url", apikleyVideoURLPattern),
				stringMatches(ok, "cover_image_url", apikleyCoverURLPattern),
				stringMatches(ok, "video_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
				apikleyExpiryCheck(ok),
				statecheck.ExpectKnownValue(ok, tfjsonpath.New("expired"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(ok, tfjsonpath.New("parent_task_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ok, tfjsonpath.New("error"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ok, tfjsonpath.New("fail_code"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ok, tfjsonpath.New("fail_message"), knownvalue.Null()),

				stringValue(failed, "status", "fail"),
				statecheck.ExpectKnownValue(failed, tfjsonpath.New("fail_code"), knownvalue.Int64Exact(400)),
				stringValue(failed, "fail_message", apikleysim.ModerationMessage),
				stringValue(failed, "error", apikleysim.ModerationMessage+" (failCode 400)"),
				statecheck.ExpectKnownValue(failed, tfjsonpath.New("video_url"), knownvalue.Null()),
				statecheck.ExpectKnownValue(failed, tfjsonpath.New("generated_at"), knownvalue.Null()),
				gw.expectCreates(2),
			},
		}},
	})
}

func TestAccApikleyTaskDataSource_unknownTask(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: gw.providerBlock() + `
data "runway_apikley_task" "missing" {
  task_id = "00000000-0000-4000-8000-00000000dead"
}
`,
			ExpectError: errorPattern(`Reading Apikley task 00000000-0000-4000-8000-00000000dead failed.*code 404.*Apikley does not know this task id`),
		}},
	})
}

// A task that does not finish within timeouts.read is an error naming the
// last state.
func TestAccApikleyTaskDataSource_waitTimeout(t *testing.T) {
	gw := newTestApikley(t, apikleysim.Options{})
	gw.HoldTasks(true)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: gw.providerBlock() + `
resource "runway_apikley_video" "held" {
  prompt              = "a slow sunrise"
  duration            = 5
  quality             = "720p"
  aspect_ratio        = "16:9"
  wait_for_completion = false
}

data "runway_apikley_task" "held" {
  task_id             = runway_apikley_video.held.id
  wait_for_completion = true
  timeouts = {
    read = "1s"
  }
}
`,
			ExpectError: errorPattern(`Timed out waiting for Apikley task.*did not finish within 1s \(last state: generating\).*timeouts\.read`),
		}},
	})
}
