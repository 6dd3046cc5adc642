# The demo pipeline run by `make demo` against the bundled gateway simulator:
# upload a clip kept in this repository, extend it, then restyle and outpaint
# the extension — three paid generations chained through asset ids, with
# their URLs as outputs.
terraform {
  required_version = ">= 1.8"
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

# The pipeline starts from a file in the repository (a 5 s, 1280x768 clip).
resource "runway_asset" "source" {
  source = "${path.module}/clips/intro.mp4"
  name   = "demo-intro.mp4"
}

resource "runway_gen2_extension" "clip" {
  asset_id = runway_asset.source.id
  motion   = 5
  seed     = 1234
}

resource "runway_video_to_video" "watercolor" {
  asset_id    = runway_gen2_extension.clip.video_asset_id
  text_prompt = "a watercolor painting of the same scene"
  seconds     = 5
}

resource "runway_expansion" "portrait" {
  video_asset_id        = runway_gen2_extension.clip.video_asset_id
  outpaint_aspect_ratio = "portrait"
  seconds               = 5
}

output "uploaded_asset_id" {
  value = runway_asset.source.id
}

output "extension" {
  value = {
    task_id        = runway_gen2_extension.clip.task_id
    status         = runway_gen2_extension.clip.status
    video_url      = runway_gen2_extension.clip.video_url
    video_asset_id = runway_gen2_extension.clip.video_asset_id
  }
}

output "watercolor_url" {
  value = runway_video_to_video.watercolor.video_url
}

output "portrait_url" {
  value = runway_expansion.portrait.video_url
}
