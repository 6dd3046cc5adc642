# Extend a clip, then outpaint the result to portrait: the extension's
# video_asset_id feeds the expansion's input.
resource "runway_gen2_extension" "clip" {
  asset_id = var.source_video_asset_id
  motion   = 5
}

resource "runway_expansion" "portrait" {
  video_asset_id        = runway_gen2_extension.clip.video_asset_id
  text_prompt           = "the same street, seen taller"
  outpaint_aspect_ratio = "portrait"
  seconds               = 5
}

variable "source_video_asset_id" {
  type = string
}

output "portrait_url" {
  value = runway_expansion.portrait.video_url
}

output "portrait_asset_id" {
  value = runway_expansion.portrait.output_video_asset_id
}
