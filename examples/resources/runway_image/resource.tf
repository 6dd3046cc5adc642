# A prompt becomes four stills; the plan checks every argument against the
# model (nano-banana-pro takes 1K, 2K or 4K and up to 8 reference images).
resource "runway_image" "stills" {
  model        = "nano-banana-pro"
  text_prompt  = "a lighthouse at dusk, watercolor"
  num_images   = 4
  aspect_ratio = "16:9"
  resolution   = "2K"
}

output "still_urls" {
  value = runway_image.stills.image_urls
}

# The first still's asset id feeds an image-to-video generation.
output "first_still_asset_id" {
  value = runway_image.stills.image_asset_id
}
