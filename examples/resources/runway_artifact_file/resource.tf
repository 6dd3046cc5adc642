# Keep the generated video on disk: the gateway's signed URL expires, the
# file does not. Re-signed URLs of the same video never download it again;
# a file deleted or changed on disk is downloaded again by the next apply.
resource "runway_gen2_extension" "clip" {
  asset_id = var.source_video_asset_id
  motion   = 5
}

resource "runway_artifact_file" "clip" {
  url       = runway_gen2_extension.clip.video_url
  directory = "${path.module}/out"
  filename  = "clip-extended.mp4" # default: the last element of the URL's path
}

variable "source_video_asset_id" {
  type = string
}

output "clip_file" {
  value = runway_artifact_file.clip.path
}

output "clip_sha256" {
  value = runway_artifact_file.clip.sha256
}
