# Keep generated files on disk: the gateway's signed URLs expire, files do
# not. A re-signed URL of the same file never downloads it again; a file
# deleted or changed on disk is downloaded again by the next apply.
resource "runway_image" "storyboard" {
  model       = "gen4"
  text_prompt = "storyboard frame: a lighthouse keeper climbs a spiral staircase"
  num_images  = 4
}

resource "runway_artifact_file" "storyboard" {
  count     = 4
  url       = runway_image.storyboard.image_urls[count.index]
  directory = "${path.module}/storyboard"
  filename  = "frame-${count.index + 1}.png" # default: the last element of the URL's path
}

output "storyboard_files" {
  value = runway_artifact_file.storyboard[*].path
}
