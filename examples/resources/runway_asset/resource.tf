# Upload a clip kept next to the configuration; a new file content uploads a
# new asset, and its id feeds the generations.
resource "runway_asset" "intro" {
  source = "${path.module}/clips/intro.mp4"
  name   = "intro.mp4"
}

resource "runway_gen2_extension" "longer" {
  asset_id = runway_asset.intro.id
}

output "intro_asset_id" {
  value = runway_asset.intro.id
}
