# Build on a task started elsewhere (another pipeline, or a resource with
# wait_for_completion = false): wait for it, then upscale its video, but only
# if it succeeded, so that nothing is paid for upscaling a failure.
variable "task_id" {
  type = string
}

data "runway_task" "nightly" {
  task_id             = var.task_id
  wait_for_completion = true
  timeouts = {
    read = "20m"
  }
}

resource "runway_video_upscale" "nightly_4k" {
  video_asset_id = data.runway_task.nightly.video_asset_id

  lifecycle {
    precondition {
      condition     = data.runway_task.nightly.status == "SUCCEEDED"
      error_message = "Task ${var.task_id} is ${data.runway_task.nightly.status}: ${coalesce(data.runway_task.nightly.error, "no reason given")}."
    }
  }
}

# Every artifact of the task, e.g. to download them with runway_artifact_file.
output "nightly_artifact_urls" {
  value = [for a in data.runway_task.nightly.artifacts : a.url]
}
