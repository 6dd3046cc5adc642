# Edit a clip with Aleph, then upscale the result to 4K.
resource "runway_video_edit" "this" {
  video_asset_id = var.clip_asset_id
  text_prompt    = "make it snow, keep the camera move"
}

resource "runway_video_upscale" "this" {
  video_asset_id = runway_video_edit.this.output_video_asset_id
}

variable "clip_asset_id" {
  type = string
}

output "edited_4k_url" {
  value = runway_video_upscale.this.video_url
}
