package useapi

import (
	"encoding/json"
)

// Task statuses documented by the gateway. Only StatusSucceeded and
// StatusFailed are terminal. A status the gateway does not document (Runway
// reports CANCELED for a task cancelled in its web app) is not terminal by
// itself; WaitForTask treats one that persists as final (UnknownStatusError).
const (
	StatusPending   = "PENDING"
	StatusRunning   = "RUNNING"
	StatusThrottled = "THROTTLED"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
)

// IsTerminal reports whether a task status is final.
func IsTerminal(status string) bool {
	return status == StatusSucceeded || status == StatusFailed
}

// CreateOptions are the options every create endpoint takes. The request
// structs embed it, so its fields are sent inline, next to the model's own
// fields, and are validated once (see Gen2ExtendRequest.Validate).
type CreateOptions struct {
	// Seed is 1..4294967294; unset lets Runway pick one.
	Seed *int64 `json:"seed,omitempty"`
	// ExploreMode requests a relaxed generation on a Runway Unlimited plan,
	// which costs no credits.
	ExploreMode *bool `json:"exploreMode,omitempty"`
	// ReplyURL is the gateway's callback URL (at most 1024 characters);
	// unset uses the account default.
	ReplyURL *string `json:"replyUrl,omitempty"`
	// ReplyRef is echoed back with the task (at most 1024 characters).
	ReplyRef *string `json:"replyRef,omitempty"`
	// MaxJobs (1..10) is how many tasks the account may run at once; unset
	// uses the value configured for the account.
	MaxJobs *int64 `json:"maxJobs,omitempty"`
}

// Gen2ExtendRequest is the body of POST /gen2/extend (Gen-2, adds 4 s).
// Optional fields are pointers so that "unset" is never sent as a zero value.
type Gen2ExtendRequest struct {
	// AssetID is the video asset to extend (required).
	AssetID string `json:"assetId"`
	// Interpolate defaults to true on the gateway.
	Interpolate *bool `json:"interpolate,omitempty"`
	// Motion (1..10) sets the overall motion intensity; it cannot be
	// combined with the camera motion fields below.
	Motion *int64 `json:"motion,omitempty"`
	// Horizontal, Vertical, Roll, Zoom, Pan and Tilt (-10..10 each) steer
	// the camera.
	Horizontal *int64 `json:"horizontal,omitempty"`
	Vertical   *int64 `json:"vertical,omitempty"`
	Roll       *int64 `json:"roll,omitempty"`
	Zoom       *int64 `json:"zoom,omitempty"`
	Pan        *int64 `json:"pan,omitempty"`
	Tilt       *int64 `json:"tilt,omitempty"`
	CreateOptions
}

// Gen3VideoRequest is the body of POST /gen3/video (Gen-3 Alpha video to video).
type Gen3VideoRequest struct {
	// AssetID is the video asset to restyle (required).
	AssetID string `json:"assetId"`
	// TextPrompt describes the desired change (required).
	TextPrompt string `json:"text_prompt"`
	// StructureTransformation (0..10, gateway default 3): higher values
	// depart further from the input's structure.
	StructureTransformation *float64 `json:"structure_transformation,omitempty"`
	// Seconds defaults to the asset's duration, else 10.
	Seconds *int64 `json:"seconds,omitempty"`
	// Resolution: only "720p" is supported.
	Resolution *string `json:"resolution,omitempty"`
	CreateOptions
}

// Gen3TurboExpandRequest is the body of POST /gen3turbo/expand (outpaint).
type Gen3TurboExpandRequest struct {
	// VideoAssetID is the video asset to outpaint (required).
	VideoAssetID string `json:"videoAssetId"`
	// ImageAssetID optionally guides the first frame.
	ImageAssetID *string `json:"imageAssetId,omitempty"`
	// TextPrompt is optional: expansion works well without one.
	TextPrompt *string `json:"text_prompt,omitempty"`
	// Seconds is 5 or 10; unset uses the asset's duration, else 10.
	Seconds *int64 `json:"seconds,omitempty"`
	// OutpaintAspectRatio is "landscape" (default) or "portrait".
	OutpaintAspectRatio *string `json:"outpaint_aspect_ratio,omitempty"`
	CreateOptions
}

// Task is a Runway task as returned by the create endpoints and by
// GET /tasks/{taskId}. Fields whose shape changes between task types or over
// time (options, error, image, sharedAsset, progressText) are kept as raw
// JSON; typed accessors interpret them leniently.
type Task struct {
	// TaskID is the opaque id used in every later call
	// (user:<id>-runwayml:<email>-task:<uuid>).
	TaskID string `json:"taskId"`
	// ID is the bare task UUID.
	ID string `json:"id"`
	// Name is Runway's display name, typically model, seed and prompt start.
	Name string `json:"name"`
	// Image, ProgressText and SharedAsset are undocumented and kept verbatim.
	Image json.RawMessage `json:"image"`
	// CreatedAt and UpdatedAt are RFC 3339 timestamps as sent.
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	// TaskType names the model, e.g. gen2, gen3a, gen3a_turbo.
	TaskType string `json:"taskType"`
	// Options echoes the generation settings; its shape depends on TaskType
	// (e.g. gen2 nests gen2Options), so it stays raw JSON.
	Options json.RawMessage `json:"options"`
	// Status is one of the Status constants, or a value the gateway does not
	// document, such as CANCELED (see UnknownStatusError).
	Status string `json:"status"`
	// Error is null, a string or an object; read it with FailureDetail.
	Error        json.RawMessage `json:"error"`
	ProgressText json.RawMessage `json:"progressText"`
	// ProgressRatio arrives as "0.45" or 0.45; read it with Progress.
	ProgressRatio FlexNumber `json:"progressRatio"`
	// EstimatedTimeToStartSeconds may be null; read it with EstimatedStart.
	EstimatedTimeToStartSeconds FlexNumber `json:"estimatedTimeToStartSeconds"`
	// Artifacts are present once the task SUCCEEDED.
	Artifacts   []Artifact      `json:"artifacts"`
	SharedAsset json.RawMessage `json:"sharedAsset"`
	// Features, ReplyURL, ReplyRef and Code appear only in create answers:
	// GET /tasks/{taskId} and the task list never carry them (replyUrl and
	// replyRef are readable later only through GET /scheduler/, while the
	// gateway tracks the task). Pointers keep them absent (not zero).
	Features *Features `json:"features,omitempty"`
	ReplyURL *string   `json:"replyUrl,omitempty"`
	ReplyRef *string   `json:"replyRef,omitempty"`
	Code     *int      `json:"code,omitempty"`
}

// Features is the account plan summary the create endpoints echo back.
type Features struct {
	// StorageGB is the plan's storage.
	StorageGB FlexNumber `json:"storageGB"`
	// NumPlanCreditsPermitted is the plan's credit allowance.
	NumPlanCreditsPermitted FlexNumber `json:"numPlanCredits_permitted"`
	// NumPlanCreditsUsed is what the plan has consumed; see Task.CreditsUsed.
	NumPlanCreditsUsed FlexNumber `json:"numPlanCredits_used"`
}

// TaskError is the structured error of a FAILED task. The gateway has sent
// both an object and a plain string here; see Task.FailureDetail.
type TaskError struct {
	// ErrorMessage is the main human text (or the whole error when the
	// gateway sent a string or an unknown shape).
	ErrorMessage string `json:"errorMessage,omitempty"`
	// Reason is a machine code such as SAFETY.INPUT.TEXT.
	Reason string `json:"reason,omitempty"`
	// Message is secondary human text.
	Message string `json:"message,omitempty"`
	// ModerationCategory names the moderation rule, e.g. VIOLENCE.
	ModerationCategory string `json:"moderation_category,omitempty"`
	// TallyAsimov is an undocumented moderation flag.
	TallyAsimov *bool `json:"tally_asimov,omitempty"`
}

// Artifact is one output of a task. Its AssetID can be fed to the next
// generation directly.
type Artifact struct {
	// AssetID is the useapi asset id of the output, usable as the input of
	// the next generation.
	AssetID string `json:"assetId"`
	// ID is the bare asset UUID.
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	// UserID and CreatedBy are Runway user numbers.
	UserID    FlexNumber `json:"userId"`
	CreatedBy FlexNumber `json:"createdBy"`
	// TaskID is the full id of the producing task
	// (user:<id>-runwayml:<email>-task:<uuid>), as Task.TaskID.
	TaskID             string  `json:"taskId,omitempty"`
	ParentAssetGroupID *string `json:"parentAssetGroupId"`
	Filename           string  `json:"filename,omitempty"`
	// URL is a signed link that expires; the gateway signs it anew on each read.
	URL string `json:"url"`
	// FileSize is a string in artifacts ("12345678"); see FileSizeBytes.
	FileSize FlexNumber `json:"fileSize"`
	// The flags below are echoed as received; nil when absent.
	IsDirectory   *bool    `json:"isDirectory,omitempty"`
	PreviewURLs   []string `json:"previewUrls"`
	Private       *bool    `json:"private,omitempty"`
	PrivateInTeam *bool    `json:"privateInTeam,omitempty"`
	Deleted       *bool    `json:"deleted,omitempty"`
	Reported      *bool    `json:"reported,omitempty"`
	Favorite      *bool    `json:"favorite,omitempty"`
	// Metadata has two known shapes; read it with Media.
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// MediaMetadata is the interpretation of an artifact's or asset's metadata,
// accepting both shapes the gateway has used:
// {frameRate, duration, dimensions:[w,h], size:{width,height}} and
// {frameRate, duration, width, height, hasAlphaChannel, hasAudio}.
type MediaMetadata struct {
	// Each field is nil when the gateway did not say.
	FrameRate       *float64
	Duration        *float64
	Width           *int64
	Height          *int64
	HasAlphaChannel *bool
	HasAudio        *bool
}

// Asset is an element of GET /assets/ and the answer of GET /assets/{assetId}.
type Asset struct {
	// AssetID is the opaque id used in every later call
	// (user:<id>-runwayml:<email>-asset:<uuid>).
	AssetID string `json:"assetId"`
	// ID is the bare asset UUID.
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	Name      string `json:"name"`
	// URL is a signed link that expires.
	URL         string   `json:"url"`
	PreviewURLs []string `json:"previewUrls"`
	// MediaType is "video", "image" or "audio".
	MediaType string `json:"mediaType,omitempty"`
	// MediaSubtype is null in every documented example (its values are
	// undocumented); kept verbatim, absent or null.
	MediaSubtype json.RawMessage `json:"mediaSubtype,omitempty"`
	FileCount    FlexNumber      `json:"fileCount"`
	// FileSize is a number in listings; see FileSizeBytes.
	FileSize            FlexNumber `json:"fileSize"`
	FileExtStandardized string     `json:"fileExtStandardized,omitempty"`
	// The remaining fields are echoed as received.
	IsUserUpload *bool `json:"isUserUpload,omitempty"`
	// Metadata may be null (uploaded images); read it with Media.
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Username    string          `json:"username,omitempty"`
	UserPicture string          `json:"userPicture,omitempty"`
	UserID      FlexNumber      `json:"userId"`
	// CreatedBy has been seen as a number and as an object, so it stays raw.
	CreatedBy     json.RawMessage `json:"createdBy,omitempty"`
	Private       *bool           `json:"private,omitempty"`
	PrivateInTeam *bool           `json:"privateInTeam,omitempty"`
	// ParentAssetGroupID and TaskID are null for uploads; without omitempty a
	// null survives a round trip. TaskID is the producing task's full id.
	ParentAssetGroupID *string `json:"parentAssetGroupId"`
	TaskID             *string `json:"taskId"`
	Favorite           *bool   `json:"favorite,omitempty"`
}

// UploadedAsset is the answer of POST /assets/, shaped differently from the
// list element.
type UploadedAsset struct {
	// AssetID is what later calls take; the rest is informational.
	AssetID string `json:"assetId"`
	ID      string `json:"id"`
	// User and CreatedBy are the uploading user ({id, username, firstName,
	// lastName, picture, teamName, teamPicture} in the documented example),
	// Permissions {read, write, admin}; all kept verbatim.
	User      json.RawMessage `json:"user,omitempty"`
	CreatedAt string          `json:"createdAt,omitempty"`
	UpdatedAt string          `json:"updatedAt,omitempty"`
	Name      string          `json:"name"`
	// Description has no omitempty so that null round-trips.
	Description *string    `json:"description"`
	Type        *AssetType `json:"type,omitempty"`
	// Size is the file size in bytes.
	Size              FlexNumber      `json:"size"`
	URL               string          `json:"url"`
	PreviewURLs       []string        `json:"previewUrls"`
	FileCount         FlexNumber      `json:"fileCount"`
	Private           *bool           `json:"private,omitempty"`
	Permissions       json.RawMessage `json:"permissions,omitempty"`
	Annotated         *bool           `json:"annotated,omitempty"`
	IsUserUpload      *bool           `json:"isUserUpload,omitempty"`
	SourceApplication *string         `json:"sourceApplication,omitempty"`
	CreatedBy         json.RawMessage `json:"createdBy,omitempty"`
	Favorite          *bool           `json:"favorite,omitempty"`
}

// AssetType describes the kind of an uploaded asset.
type AssetType struct {
	// Name and Type both name the media kind in the documented example
	// ({"name":"image","type":"image"}); other values are kept as sent.
	Name        string `json:"name"`
	Type        string `json:"type"`
	IsDirectory bool   `json:"isDirectory"`
}

// ListAssetsParams are the query parameters of GET /assets/.
type ListAssetsParams struct {
	Offset    int    // 0..1000, required by the gateway
	Limit     int    // 1..50, required by the gateway
	MediaType string // "", "video", "image" or "audio"
	Email     string // optional account selector
}

// UploadAssetParams are the query parameters of POST /assets/.
type UploadAssetParams struct {
	// Name is required by the gateway; it becomes the asset's display name.
	Name        string
	ContentType string   // one of AcceptedContentTypes
	Duration    *float64 // seconds, audio and video
	// Width and Height are pixels, for the record (the gateway rarely uses them).
	Width  *int64
	Height *int64
	// Email selects the Runway account when several are configured.
	Email string
}

// RunningTask is an element of the 429 "busy" answer's runningTasks lists.
type RunningTask struct {
	// Email is the Runway account running the task.
	Email string `json:"email"`
	// TaskID is the running task's full id.
	TaskID string `json:"taskId"`
	// ID is the bare task UUID; ReplyURL and ReplyRef are echoed from its create.
	ID       string `json:"id"`
	ReplyURL string `json:"replyUrl,omitempty"`
	ReplyRef string `json:"replyRef,omitempty"`
}

// DeleteResult is the body of DELETE /tasks/{id} and DELETE /assets/{id}.
type DeleteResult struct {
	// Success false with Error set is a failure inside a 2xx answer.
	Success bool   `json:"success"`
	Error   string `json:"error,omitempty"`
	// Code mirrors an HTTP status.
	Code int `json:"code,omitempty"`
}
