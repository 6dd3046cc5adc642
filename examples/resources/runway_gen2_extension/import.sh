# A generation is imported by its task id. Inputs the gateway does not report
# (asset_id, camera motion…) are taken from the configuration by the next
# apply, in place, without a new generation.
terraform import runway_gen2_extension.intro 'user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11'
