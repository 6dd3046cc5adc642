# A 5-second text-to-video generation through the Apikley gateway.
resource "runway_apikley_video" "fox" {
  prompt       = "A red fox running through fresh snow at golden hour, cinematic"
  duration     = 5
  quality      = "1080p" # 1080p only with duration = 5
  aspect_ratio = "16:9"  # required without image_url
  watermark    = ""      # explicitly no watermark

  # Steering knobs: changing them never starts a new generation.
  wait_for_completion = true
  timeouts = {
    create = "30m"
  }
}

# Image-to-video: animate the cover of the first video. The image decides the
# aspect ratio, so aspect_ratio is left out.
resource "runway_apikley_video" "snowfall" {
  prompt    = "Snow starts to fall, the camera slowly pushes in"
  duration  = 10
  quality   = "720p"
  image_url = runway_apikley_video.fox.cover_image_url
}

output "fox_video_url" {
  value = runway_apikley_video.fox.video_url
}

output "fox_video_expires_at" {
  value = runway_apikley_video.fox.expires_at
}
