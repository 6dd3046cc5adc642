resource "runway_apikley_video" "clip" {
  prompt       = "A paper boat drifting on a pond, morning mist"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "9:16"
}

# Extend the generated video: task_id is the id of the task to extend.
resource "runway_apikley_extension" "drift" {
  task_id = runway_apikley_video.clip.id
  prompt  = "The boat drifts under a small wooden bridge"
  quality = "720p"
}

# Extensions chain: extend the extension.
resource "runway_apikley_extension" "finale" {
  task_id      = runway_apikley_extension.drift.id
  prompt       = "The mist clears and the sun rises over the pond"
  quality      = "720p"
  watermark    = "studio"
  callback_url = "https://hooks.example.com/runway"

  timeouts = {
    create = "30m"
  }
}

output "finale_video_url" {
  value = runway_apikley_extension.finale.video_url
}

output "finale_cover_image_url" {
  value = runway_apikley_extension.finale.cover_image_url
}
