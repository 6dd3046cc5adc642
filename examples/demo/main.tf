# The demo pipeline run by `make demo` against the bundled gateway simulator.
# A short story that starts from a prompt: text to video, the existing
# generators continuing on its output, an edit and a 4K upscale, chained
# through asset ids. The finished videos are kept on disk, and the outputs
# compare what the plan estimated with what the account was charged.
#
# One estimate is known only after apply: the upscale's source is the edit's
# output, which does not exist at plan (max_credits_per_apply would count the
# longest source the upscale takes).
terraform {
  required_version = ">= 1.11"
  required_providers {
    runway = {
      source = "tfrunway/runway"
    }
  }
}

# Endpoint and token come from USEAPI_ENDPOINT and USEAPI_TOKEN.
provider "runway" {
  poll_interval       = "250ms"
  busy_retry_interval = "2s"
}

variable "output_dir" {
  description = "Where the finished videos are downloaded."
  type        = string
  default     = "out"
}

# 1. A prompt becomes a video (Gen-4.5, text to video).
resource "runway_video" "opening" {
  model        = "gen4.5"
  text_prompt  = "a lighthouse on a cliff at dusk, waves breaking below"
  duration     = 5
  aspect_ratio = "16:9"
  seed         = 1234
}

# 2. An existing generator continues on its output: the same shot, outpainted
#    to portrait for phones.
resource "runway_expansion" "portrait" {
  video_asset_id        = runway_video.opening.video_asset_id
  outpaint_aspect_ratio = "portrait"
  seconds               = 5
}

# 3. An edit of the opening shot (Aleph), then a 4K upscale of the edit.
resource "runway_video_edit" "snow" {
  video_asset_id = runway_video.opening.video_asset_id
  text_prompt    = "the same shot, now in a snow storm"
}

resource "runway_video_upscale" "final" {
  video_asset_id = runway_video_edit.snow.output_video_asset_id
}

# 4. A clip kept in this repository, uploaded and restyled beside the story.
resource "runway_asset" "intro" {
  source = "${path.module}/clips/intro.mp4"
  name   = "demo-intro.mp4"
}

resource "runway_video_to_video" "intro_watercolor" {
  asset_id    = runway_asset.intro.id
  text_prompt = "a watercolor painting of the same scene"
  seconds     = 5
}

# 5. Keep what was made: signed URLs expire, files do not. The file names
#    are known at plan; the URLs only after the generations.
resource "runway_artifact_file" "kept" {
  for_each = {
    "lighthouse-snow-4k.mp4"  = runway_video_upscale.final.video_url
    "lighthouse-portrait.mp4" = runway_expansion.portrait.video_url
    "intro-watercolor.mp4"    = runway_video_to_video.intro_watercolor.video_url
  }
  url       = each.value
  directory = var.output_dir
  filename  = each.key
}

data "runway_credits" "after" {
  depends_on = [runway_video_upscale.final, runway_expansion.portrait, runway_video_to_video.intro_watercolor]
}

output "videos" {
  value = {
    opening = runway_video.opening.video_url
    intro   = runway_video_to_video.intro_watercolor.video_url
    kept    = [for f in runway_artifact_file.kept : f.path]
  }
}

output "credits" {
  value = {
    estimated = {
      opening  = runway_video.opening.estimated_credits
      portrait = runway_expansion.portrait.estimated_credits
      snow     = runway_video_edit.snow.estimated_credits
      final_4k = runway_video_upscale.final.estimated_credits
      intro    = runway_video_to_video.intro_watercolor.estimated_credits
    }
    estimated_total = sum([
      runway_video.opening.estimated_credits,
      runway_expansion.portrait.estimated_credits,
      runway_video_edit.snow.estimated_credits,
      runway_video_upscale.final.estimated_credits,
      runway_video_to_video.intro_watercolor.estimated_credits,
    ])
    # The simulator's account starts with no credits used: all of it is
    # this apply's.
    account_used = data.runway_credits.after.credits_used
  }
}
