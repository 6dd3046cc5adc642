# Look up one asset by id, for example to read its duration and size.
data "runway_asset" "source" {
  id = var.asset_id
}

variable "asset_id" {
  type = string
}

output "source_duration" {
  value = data.runway_asset.source.duration
}
