// Package simulator is an in-memory fake of the useapi.net Runway gateway
// (https://api.useapi.net/v1/runwayml), served as an http.Handler, for unit
// tests, Terraform acceptance tests, the demo (`make demo`) and benchmarks.
//
// It answers the same paths with the same status codes, request validation
// (the ranges and required fields of the gateway's documentation of each
// endpoint) and JSON shapes (the documented examples, kept as fixtures in
// testdata/) as the gateway:
//
//	POST   /v1/runwayml/gen2/extend           Gen-2 extend (+4 s), taskType gen2
//	POST   /v1/runwayml/gen3/video            Gen-3 Alpha video to video, taskType gen3a
//	POST   /v1/runwayml/gen3turbo/expand      Gen-3 Alpha Turbo outpaint, taskType gen3a_turbo
//	GET    /v1/runwayml/tasks/{taskId}        one task (also GET /tasks/?taskId=)
//	GET    /v1/runwayml/tasks/?offset=&limit=[&statuses=][&email=]
//	DELETE /v1/runwayml/tasks/{taskId}
//	GET    /v1/runwayml/scheduler/            the tasks the gateway tracks: [{taskId, replyUrl, replyRef}]
//	DELETE /v1/runwayml/scheduler/{taskId}    stop tracking (404 when not tracked)
//	GET    /v1/runwayml/assets/?offset=&limit=[&mediaType=][&email=]
//	GET    /v1/runwayml/assets/{assetId}
//	POST   /v1/runwayml/assets/?name=[&email=][&duration=&width=&height=]   raw file body
//	DELETE /v1/runwayml/assets/{assetId}
//	GET    /v1/runwayml/accounts/             the account configuration, keyed by email
//	GET    /v1/runwayml/accounts/{email}      one account configuration
//	GET    /v1/runwayml/features/[?email=]    the plan's permitted and used credits
//	GET    /files/{uuid}.{ext}?_jwt=...       the CDN: asset and artifact bytes
//	GET    /files/{uuid}-preview-{n}.jpg      preview images (unsigned)
//
// Creates accept JSON or multipart/form-data (and urlencoded forms). A
// create is checked in this order: body validation (400, the message names
// the field and what it allows), input asset lookup (404), the account's
// queue of at most MaxJobs PENDING+RUNNING tasks, or the request's lower
// maxJobs (429 "Account X is busy executing N tasks" with runningTasks),
// prompt moderation (422 for a text_prompt containing the word "forbidden"),
// credits (412 when permitted-used is below the cost, unless exploreMode).
// Costs: gen2/extend 20 (4 s x 5), gen3/video seconds x 10, gen3turbo/expand
// seconds x 5. When seconds is not given, gen3/video and gen3turbo/expand use
// the input asset's duration and 10 when the asset has none, as the gateway
// documents for both endpoints; how a duration other than 5 or 10 maps is
// not documented, and the simulator assumes 5 up to 7.5 s, else 10.
//
// Only the create answer carries replyUrl, replyRef, features and code;
// GET /tasks/{taskId} and the task list answer the bare task, as the
// gateway documents. A task is tracked by the gateway's scheduler from its
// create until it is final (or deleted): GET /scheduler/ lists it with its
// reply fields, and only tracked tasks count against their account's
// MaxJobs. DELETE /scheduler/{taskId} stops the tracking, freeing the slot,
// while the generation runs on, produces its artifact and stays charged.
// Artifacts and generated assets name their task by its full id.
//
// Accounts (Options.AccountEmail, Options.AccountEmails, Options.MaxJobs
// per account): task and asset ids carry the account's email; a generation
// runs on the account that owns its input asset. With two or more accounts,
// GET and POST /assets/, the GET /tasks/ list and GET /features/ answer 400
// without `email`, and 404 for an email that is no configured account. The
// account endpoints are read-only (other methods answer 405), echo
// MaskedPassword instead of a password and a session JWT (SessionToken).
// Credits are one pool for all accounts: the features' used credits are
// the sum of what the creates charged, unless SetCredits set them.
//
// Tasks follow a clock computed from timestamps (no goroutines): PENDING for
// QueueDelay, RUNNING for TaskDuration with progressRatio rising as a string
// ("0.45"), then SUCCEEDED with one artifact whose asset is listed by
// GET /assets and can be the input of the next create. A text_prompt
// containing "moderate-me" is accepted and the task FAILs at 40 % with the
// moderation error object. Output videos: gen2 extend = input duration + 4 s
// at the input's size; gen3/video = seconds at 1280x768; expand = seconds at
// 1280x768 (landscape) or 768x1280 (portrait). Credits are charged at create
// and not refunded.
//
// Every read hands out freshly signed file URLs
// (http://<request host>/files/<uuid>.<ext>?_jwt=<HS256 JWT with iat, exp,
// sub>), valid for URLTTL; an expired or forged _jwt answers 403. Preview
// URLs are unsigned, as in the gateway's example, and serve a tiny JPEG.
//
// Tests steer the simulator with Inject (faults: error statuses in the
// gateway's shapes, both 429 forms, delays, dropped connections, raw bodies),
// SetCredits, SetTaskDuration, HoldTasks, ForgetTask, SetTaskStatus (a
// status the gateway does not document, such as CANCELED for a task
// cancelled in Runway's web app) and a fake clock (Options.Now), and read
// Stats, Polls, CompletedAt, TaskCost and Tracked.
//
// # Demo assets
//
// With Options.SeedDemoAssets the account starts with these assets (user
// 1234 and demo@runway.local being the defaults):
//
//	user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000001
//	    video "demo-landscape-5s.mp4", 1280x768, 5 s
//	user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000002
//	    video "demo-gen2-4s.mp4", 1280x768, 4 s
//	user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000003
//	    image "demo-first-frame.jpg", 1280x768 JPEG
//
// The package uses only the standard library so that tests, the demo command
// and benchmarks can embed it without pulling in the client or Terraform.
package simulator
