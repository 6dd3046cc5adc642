# Find the newest uploaded video named "intro.mp4" and extend it.
data "runway_assets" "intros" {
  media_type = "video"
  name       = "intro.mp4"
}

resource "runway_gen2_extension" "intro" {
  asset_id = data.runway_assets.intros.ids[0]
  motion   = 4
}

output "all_video_ids" {
  value = data.runway_assets.intros.ids
}
