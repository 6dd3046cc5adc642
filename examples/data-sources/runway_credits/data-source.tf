# Refuse to start a paid generation when the plan cannot pay for it, and
# report what the apply spent.
data "runway_credits" "before" {}

resource "runway_video_to_video" "noir" {
  asset_id    = var.source_video_asset_id
  text_prompt = "film noir, rain at night"
  seconds     = 5

  lifecycle {
    precondition {
      condition     = data.runway_credits.before.credits_remaining >= 100
      error_message = "Fewer than 100 Runway credits remain: top up the plan before generating."
    }
  }
}

# Read after the generation (depends_on), so it shows what it cost.
data "runway_credits" "after" {
  depends_on = [runway_video_to_video.noir]
}

variable "source_video_asset_id" {
  type = string
}

output "credits_spent" {
  value = data.runway_credits.after.credits_used - data.runway_credits.before.credits_used
}
