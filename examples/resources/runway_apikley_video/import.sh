# An Apikley generation is imported by its task id. The prompt and image_url are
# read back from the gateway; duration, quality, aspect_ratio, watermark and
# callback_url are taken from the configuration by the next apply, in place,
# without a new generation.
terraform import runway_apikley_video.fox ee603959-debb-48d1-98c4-a6d1c717eba6
