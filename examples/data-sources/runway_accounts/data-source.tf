# Check, before paying for anything, that the Runway account the pipeline
# expects is configured on useapi.net and has no pending error.
data "runway_accounts" "configured" {}

variable "runway_email" {
  type = string
}

check "runway_account_ready" {
  assert {
    condition = anytrue([
      for a in data.runway_accounts.configured.accounts : a.email == var.runway_email && a.error == null
    ])
    error_message = "The Runway account ${var.runway_email} is not configured on useapi.net, or it reports an error."
  }
}

output "runway_capacity" {
  value = { for a in data.runway_accounts.configured.accounts : a.email => a.max_jobs }
}
