# A generation is imported by its task id.
terraform import runway_image.stills 'user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11'
