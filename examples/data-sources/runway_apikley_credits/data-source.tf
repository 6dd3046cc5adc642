# Refuse to start an Apikley generation when the balance is low.
data "runway_apikley_credits" "balance" {}

resource "runway_apikley_video" "teaser" {
  prompt       = "a paper boat drifting down a rainy street"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"

  lifecycle {
    precondition {
      condition     = data.runway_apikley_credits.balance.balance >= 50
      error_message = "Fewer than 50 Apikley credits remain: top up before generating."
    }
  }
}

output "apikley_balance" {
  value = data.runway_apikley_credits.balance.balance
}
