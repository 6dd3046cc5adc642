# Upscale an uploaded clip (at most 40 s) to 4K; the plan refuses a longer one.
resource "runway_asset" "clip" {
  path = "${path.module}/clip.mp4"
  name = "clip.mp4"
}

resource "runway_video_upscale" "this" {
  video_asset_id = runway_asset.clip.id
}

output "url_4k" {
  value = runway_video_upscale.this.video_url
}
