# A pipeline that starts from a prompt: text to video with Gen-4.5, then an
# image-to-video Gen-4 generation from an uploaded still, chained by asset id.
resource "runway_video" "opening" {
  model        = "gen4.5"
  text_prompt  = "a lighthouse at dusk, waves breaking below"
  duration     = 5
  aspect_ratio = "16:9"
}

resource "runway_asset" "still" {
  source = "${path.module}/still.jpg"
}

resource "runway_video" "closeup" {
  model           = "gen4"
  text_prompt     = "the camera slowly pushes in"
  image_asset_ids = [runway_asset.still.id]
  duration        = 5
  aspect_ratio    = "9:16"
}

# Multi-shot with Kling 3.0: the shots' lengths add up to the video's.
resource "runway_video" "story" {
  model = "kling-3.0-pro"
  shots = [
    { prompt = "a fox wakes up in the snow", duration = 5 },
    { prompt = "it runs across a frozen lake", duration = 5 },
  ]
}

output "opening_url" {
  value = runway_video.opening.video_url
}

output "opening_credits" {
  value = runway_video.opening.estimated_credits
}
