package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Limits documented by the gateway for the options every create accepts.
const (
	maxSeed        = 4294967294
	maxReplyLength = 1024
)

// The schema helpers below build the attributes the generation resources
// share, so that a range or a description is written once.

// assetIDAttribute is a required or optional asset id input.
func assetIDAttribute(description string, required bool) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description + " Asset ids look like `user:<id>-runwayml:<email>-asset:<uuid>`; " +
			"use `runway_asset.<name>.id`, the `video_asset_id` of another generation, or the `runway_assets` data source.",
		Required:   required,
		Optional:   !required,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// cameraMotionAttribute is one of gen2's six camera axes (−10…10).
func cameraMotionAttribute(axis string) schema.Int64Attribute {
	return intRangeInput("Camera motion along the "+axis+" axis, `-10`…`10`. Cannot be combined with `motion`.", -10, 10)
}

// commonInputAttributes are the options every useapi.net create accepts.
func commonInputAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"seed": intRangeInput("Seed of the generation, `1`…`4294967294`. Fix it to make a generation reproducible.", 1, maxSeed),
		"explore_mode": boolInput("Run a relaxed generation on a Runway Unlimited plan: no credits are charged, " +
			"but the task may queue for a long time (raise `timeouts.create`)."),
		"reply_url": schema.StringAttribute{
			MarkdownDescription: "URL the gateway calls when the task completes or fails (at most 1024 characters). " +
				"Defaults to the account's callback URL." + createOptionNote,
			Optional: true,
			Validators: []validator.String{
				stringvalidator.LengthAtMost(maxReplyLength),
				stringRuleValidator(callbackURLRule{}),
			},
		},
		"reply_ref": schema.StringAttribute{
			MarkdownDescription: "Your own reference, stored with the task and returned in callbacks (at most 1024 characters)." +
				createOptionNote,
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtMost(maxReplyLength)},
		},
		"max_jobs": intRangeInput("How many tasks the account may run in parallel, `1`…`10`. Defaults to the account's setting."+
			createOptionNote, 1, 10),
	}
}

// generationOutputAttributes are the computed attributes of a video
// generation: every task's, plus the generated video's URL and asset id.
func generationOutputAttributes() map[string]schema.Attribute {
	attrs := taskOutputAttributes()
	attrs["video_url"] = schema.StringAttribute{
		MarkdownDescription: "URL of the first artifact (the generated video); null until the task has succeeded.",
		Computed:            true,
	}
	attrs["output_video_asset_id"] = videoAssetIDOutputAttribute()
	return attrs
}

// taskOutputAttributes are the computed attributes of every useapi.net
// generation, whatever it makes.
func taskOutputAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The task id (`user:<id>-runwayml:<email>-task:<uuid>`).",
			Computed:            true,
		},
		"task_id": schema.StringAttribute{
			MarkdownDescription: "The task id, as `id`; use it with the `runway_task` data source.",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Task status: `PENDING`, `RUNNING`, `THROTTLED`, `SUCCEEDED` or `FAILED`. " +
				"Only `PENDING`, `RUNNING` and `THROTTLED` are unfinished: a later apply waits in place only for those. " +
				"Any other status is final, including one the gateway does not document (`CANCELED` for a task " +
				"cancelled in Runway's web app), which a create's wait reports as a failure once it persists.",
			Computed: true,
		},
		"progress": schema.Float64Attribute{
			MarkdownDescription: "Progress reported by the gateway, `0`…`1`; null before the task starts.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "Creation time of the task as reported by the gateway (RFC 3339).",
			Computed:            true,
		},
		"error": schema.StringAttribute{
			MarkdownDescription: "Why the task failed (the gateway's message, reason and moderation category); null unless `status` is `FAILED`.",
			Computed:            true,
		},
		"artifacts": artifactsResourceAttribute(),
		"estimated_credits": schema.Int64Attribute{
			MarkdownDescription: "Credits this generation is estimated to cost, known at plan time so that `terraform plan` " +
				"shows the spend before approval: output seconds × the model's rate (provider `credit_rates`), `0` with " +
				"`explore_mode = true`; null when no rate is known for the model. When an input is known only after apply " +
				"(it comes from another resource), the estimate is known after apply and `max_credits_per_apply` counts " +
				"the longest output the input allows.",
			Computed: true,
		},
		"credits_used": schema.Int64Attribute{
			MarkdownDescription: "The account's used plan credits as the gateway reported them when this task was accepted " +
				"(`features.numPlanCredits_used`: an account total, including this task); null when not reported.",
			Computed: true,
		},
	}
}

// videoAssetIDOutputAttribute is the asset id of the generated video.
func videoAssetIDOutputAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Asset id of the first artifact (the generated video), to feed the next generation " +
			"(for example `runway_expansion.video_asset_id = runway_gen2_extension.x.video_asset_id`); null until the task has succeeded.",
		Computed: true,
	}
}

// lifecycleKnobAttributes steer the engine only: changing them never
// starts a task.
func lifecycleKnobAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"wait_for_completion": schema.BoolAttribute{
			MarkdownDescription: "Wait for the task to succeed or fail during apply (default `true`). With `false`, " +
				"apply returns right after the task was accepted; later refreshes fill the outputs, and setting it " +
				"back to `true` makes the next apply wait for the same task (never a new one).",
			Optional: true,
			Computed: true,
			Default:  booldefaultTrue,
		},
		"timeouts": timeoutsAttribute(context.Background()),
	}
}

// useapiKnobAttributes add deletion_policy: useapi.net can delete a task and
// its artifacts.
func useapiKnobAttributes() map[string]schema.Attribute {
	knobs := lifecycleKnobAttributes()
	knobs["deletion_policy"] = schema.StringAttribute{
		MarkdownDescription: "What destroy does: `DELETE` (default) deletes the generated artifact assets and " +
			"removes the task from the account's history (a 404 counts as done); `ABANDON` only removes the " +
			"resource from the state and keeps everything on the account. Runway tasks cannot be cancelled: " +
			"destroying an unfinished task does not refund its credits.",
		Optional:   true,
		Computed:   true,
		Default:    stringDefault(deletionPolicyDelete),
		Validators: []validator.String{stringvalidator.OneOf(deletionPolicyDelete, deletionPolicyAbandon)},
	}
	return knobs
}

var booldefaultTrue = booldefault.StaticBool(true)

func stringDefault(v string) defaults.String { return stringdefault.StaticString(v) }

func timeoutsAttribute(ctx context.Context) schema.Attribute {
	return timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

// mergeAttributes returns one map holding every given attribute; a name
// given twice is a programming error caught by the schema tests.
func mergeAttributes(maps ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, m := range maps {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("duplicate attribute " + k)
			}
			out[k] = v
		}
	}
	return out
}
