# Extend a clip by 4 seconds with Gen-2, with a slow camera pan.
resource "runway_gen2_extension" "intro" {
  asset_id    = var.source_video_asset_id
  interpolate = true
  pan         = 3
  zoom        = 1
  seed        = 12345678

  # Steering knobs: changing them never starts a new generation.
  wait_for_completion = true
  deletion_policy     = "DELETE"
  timeouts = {
    create = "30m"
  }
}

variable "source_video_asset_id" {
  type        = string
  description = "Asset id of the video to extend (see the runway_assets data source)."
}

output "extended_video_url" {
  value = runway_gen2_extension.intro.video_url
}

output "extended_video_asset_id" {
  value = runway_gen2_extension.intro.video_asset_id
}
