# A prompt becomes four stills; the first one becomes a video.
resource "runway_image" "stills" {
  model        = "nano-banana-pro"
  text_prompt  = "a lighthouse at dusk, watercolor"
  num_images   = 4
  aspect_ratio = "16:9"
  resolution   = "2K"
}

resource "runway_video" "moving" {
  model           = "gen4"
  text_prompt     = "waves roll in, the light turns"
  image_asset_ids = [runway_image.stills.image_asset_id]
  duration        = 5
}

output "still_urls" {
  value = runway_image.stills.image_urls
}
