package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The helpers below build the generation resources' inputs, one per kind of
// value, so that a resource's inputs read as names, kinds and descriptions,
// and a kind's plan-time check is written once. Inputs the gateway checks
// per model (a video model's durations, an image model's resolutions) take
// no validator here: the resource's checkPlan names the model and what it
// allows.

// textInput is a non-empty string.
func textInput(description string, required bool) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            required,
		Optional:            !required,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// boundedTextInput is a non-empty string of at most maxLen characters.
func boundedTextInput(description string, required bool, maxLen int) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            required,
		Optional:            !required,
		Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxLen)},
	}
}

// stringInput is an optional string checked per model.
func stringInput(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Optional: true}
}

// choiceInput is an optional string that must be one of values.
func choiceInput(description string, values ...string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.String{stringvalidator.OneOf(values...)},
	}
}

// modelInput is the required model of a unified endpoint, one of ids.
func modelInput(ids []string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The model: one of " + backquoted(ids) + ".",
		Required:            true,
		Validators:          []validator.String{stringvalidator.OneOf(ids...)},
	}
}

// intInput is an optional whole number checked per model.
func intInput(description string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: description, Optional: true}
}

// intRangeInput is an optional whole number in lo…hi.
func intRangeInput(description string, lo, hi int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.Int64{int64validator.Between(lo, hi)},
	}
}

// intChoiceInput is an optional whole number that must be one of values.
func intChoiceInput(description string, values ...int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.Int64{int64validator.OneOf(values...)},
	}
}

// floatRangeInput is an optional number in lo…hi.
func floatRangeInput(description string, lo, hi float64) schema.Float64Attribute {
	return schema.Float64Attribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.Float64{float64validator.Between(lo, hi)},
	}
}

// boolInput is an optional switch; unset leaves the gateway's default.
func boolInput(description string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: description, Optional: true}
}

// assetIDListInput is an optional list of 1 to maxItems asset ids.
func assetIDListInput(description string, maxItems int) schema.ListAttribute {
	return schema.ListAttribute{
		MarkdownDescription: description + " Asset ids, e.g. `runway_asset.<name>.id` or another generation's `video_asset_id`.",
		Optional:            true,
		ElementType:         types.StringType,
		Validators: []validator.List{
			listvalidator.SizeBetween(1, maxItems),
			listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
		},
	}
}
