terraform {
  required_providers {
    runway = {
      source = "tfrunway/runway"
    }
  }
}

# Credentials come from the environment (USEAPI_TOKEN) so they stay out of
# the configuration and the state.
provider "runway" {
  # api_token = var.useapi_token                        # or USEAPI_TOKEN
  # endpoint  = "http://127.0.0.1:8787/v1/runwayml"     # the bundled simulator

  # Optional steering knobs.
  poll_interval       = "2s"
  max_poll_interval   = "30s"
  max_retries         = 5
  busy_retry_interval = "10s"
}
