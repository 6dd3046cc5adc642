package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// videoUpscaleModel is runway_video_upscale: POST /videos/upscale (Topaz,
// to 4K). Its input is `video_asset_id`, as the gateway names it; the
// upscaled video's asset id is `output_video_asset_id`.
type videoUpscaleModel struct {
	generationCommon
	InputVideoAssetID types.String `tfsdk:"video_asset_id"`
}

// videoUpscale is runway_video_upscale's generation kind.
type videoUpscale struct{}

func newVideoUpscaleResource() resource.Resource {
	return newUseapiGeneration[videoUpscaleModel](videoUpscale{})
}

func (videoUpscale) name() string { return "video_upscale" }

func (videoUpscale) description() string {
	return "Upscales a video to 4K with Topaz (`POST /videos/upscale`), keeping its aspect ratio (1280×720 becomes " +
		"4096×2304). The source must be at most 40 seconds long: a longer one whose duration is known at plan (a " +
		"`runway_asset`, another generation's artifact) is refused by `terraform plan`. The account that owns the video " +
		"runs and pays for the task."
}

func (videoUpscale) inputs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"video_asset_id": assetIDAttribute("Video asset to upscale, at most 40 seconds long. The upscaled video's asset id is `output_video_asset_id`.", true),
	}
}

func (videoUpscale) configValidators() []resource.ConfigValidator { return nil }

func (videoUpscale) submit(ctx context.Context, d *providerData, m *videoUpscaleModel) (*useapi.Task, error) {
	o := m.options()
	return d.useapi.UpscaleVideo(ctx, &useapi.VideoUpscaleRequest{
		VideoAssetID: m.InputVideoAssetID.ValueString(),
		ExploreMode:  o.ExploreMode, ReplyURL: o.ReplyURL, ReplyRef: o.ReplyRef, MaxJobs: o.MaxJobs,
	})
}

// checkPlan refuses a source longer than the gateway takes, when its
// duration is known.
func (videoUpscale) checkPlan(ctx context.Context, d *providerData, m *videoUpscaleModel) []planRefusal {
	var refusals []planRefusal
	if !m.Seed.IsNull() {
		refusals = append(refusals, planRefusal{"seed", "Not accepted by POST /videos/upscale", "The upscale endpoint takes no seed."})
	}
	if sec, ok := assetDuration(ctx, d, m.InputVideoAssetID); ok && sec > useapi.MaxUpscaleSeconds {
		refusals = append(refusals, planRefusal{"video_asset_id", "Video too long to upscale",
			fmt.Sprintf("%s is %.1f seconds long; POST /videos/upscale takes at most %d seconds: cut the video first.",
				m.InputVideoAssetID.ValueString(), sec, useapi.MaxUpscaleSeconds)})
	}
	return refusals
}

// estimate: the source's seconds (40, the longest, when not known at plan)
// × the upscale rate.
func (videoUpscale) estimate(ctx context.Context, d *providerData, m *videoUpscaleModel) (estimate, string) {
	seconds, err := secondsOr(ctx, d, m.InputVideoAssetID, useapi.MaxUpscaleSeconds)
	return estimateCredits(d.creditRates, "upscale", seconds, m.ExploreMode).ofInput(err), "upscaling " + describeID(m.InputVideoAssetID)
}

// adopt: the task reports nothing of its input that is not an URL.
func (videoUpscale) adopt(*videoUpscaleModel, *useapi.Task) {}
