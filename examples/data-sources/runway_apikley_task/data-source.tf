# Follow an Apikley task started by another pipeline and extend its video
# once it is ready. The gateway keeps videos 14 days: `expired` says when the
# source can no longer be extended.
variable "apikley_task_id" {
  type = string
}

data "runway_apikley_task" "nightly" {
  task_id             = var.apikley_task_id
  wait_for_completion = true
}

resource "runway_apikley_extension" "longer" {
  task_id = data.runway_apikley_task.nightly.id
  prompt  = "the camera keeps rising until the city is a map of lights"
  quality = "720p"

  lifecycle {
    precondition {
      condition     = data.runway_apikley_task.nightly.status == "success" && !data.runway_apikley_task.nightly.expired
      error_message = "Task ${var.apikley_task_id} cannot be extended: state ${data.runway_apikley_task.nightly.state}, expires ${coalesce(data.runway_apikley_task.nightly.expires_at, "unknown")}."
    }
  }
}
