# An Apikley extension is imported by its task id. task_id (the extended task)
# and prompt are read back from the gateway; quality, watermark and
# callback_url are taken from the configuration by the next apply, in place,
# without a new generation.
terraform import runway_apikley_extension.drift 5c79a3e1-0b7d-4f2a-9c61-3d8e2f4abe8e
