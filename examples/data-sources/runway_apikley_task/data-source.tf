# Follow an Apikley task started by another pipeline (or by a resource with
# wait_for_completion = false) and wait for its result.
data "runway_apikley_task" "nightly" {
  task_id             = var.apikley_task_id
  wait_for_completion = true
  timeouts = {
    read = "20m"
  }
}

variable "apikley_task_id" {
  type = string
}

output "nightly_video_url" {
  value = data.runway_apikley_task.nightly.video_url
}

output "nightly_state" {
  value = data.runway_apikley_task.nightly.state
}

output "nightly_failure" {
  value = data.runway_apikley_task.nightly.error
}
