# Restyle a clip with Gen-3 Alpha Video to Video.
resource "runway_video_to_video" "watercolor" {
  asset_id                 = var.source_video_asset_id
  text_prompt              = "a watercolor painting of the same scene, soft morning light"
  structure_transformation = 3
  seconds                  = 10
  resolution               = "720p"
  seed                     = 42
}

variable "source_video_asset_id" {
  type = string
}

output "watercolor_url" {
  value = runway_video_to_video.watercolor.video_url
}
