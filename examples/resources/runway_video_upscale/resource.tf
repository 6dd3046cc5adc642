# Upscale a generated video to 4K. The source must be at most 40 s long: when
# its duration is known at plan (an upload, a finished generation), a longer
# one is refused before anything is paid.
resource "runway_video" "teaser" {
  model       = "gen4.5"
  text_prompt = "a paper boat drifts down a rain-soaked street"
  duration    = 10
}

resource "runway_video_upscale" "teaser_4k" {
  video_asset_id = runway_video.teaser.video_asset_id
}

output "teaser_4k_url" {
  value = runway_video_upscale.teaser_4k.video_url
}
