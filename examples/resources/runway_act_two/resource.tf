# Transfer an actor's performance to a character still.
resource "runway_act_two" "this" {
  driving_asset_id     = var.performance_asset_id
  character_asset_id   = var.character_asset_id
  aspect_ratio         = "9:16"
  expression_intensity = 4
  body_control         = true
}

variable "performance_asset_id" {
  type = string
}

variable "character_asset_id" {
  type = string
}

output "performance_url" {
  value = runway_act_two.this.video_url
}
