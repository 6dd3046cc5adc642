# Follow a task started by another pipeline (or with wait_for_completion = false)
# and wait for its result.
data "runway_task" "nightly" {
  task_id             = var.task_id
  wait_for_completion = true
  timeouts = {
    read = "20m"
  }
}

variable "task_id" {
  type = string
}

output "nightly_video_url" {
  value = data.runway_task.nightly.video_url
}

output "nightly_status" {
  value = data.runway_task.nightly.status
}
