# An asset is imported by its asset id; `source` is then adopted from the
# configuration by the next apply, without uploading again.
terraform import runway_asset.intro 'user:1234-runwayml:someone@example.com-asset:9a8b7c6d-1111-2222-3333-444455556666'
