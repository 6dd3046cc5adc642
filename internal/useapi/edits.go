package useapi

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// Paths of the video-to-video endpoints beside POST /videos/create.
const (
	PathVideosUpscale = "/videos/upscale"
	PathGen4Video     = "/gen4/video"
	PathGen4ActTwo    = "/gen4/act-two"
)

// Limits of those endpoints, from the gateway's pages.
const (
	// MaxUpscaleSeconds is the longest source POST /videos/upscale takes.
	MaxUpscaleSeconds = 40
	// MaxAlephPromptLength bounds POST /gen4/video's text_prompt.
	MaxAlephPromptLength = 1000
	// MinActTwoDrivingSeconds and MaxActTwoDrivingSeconds bound the
	// driving video of POST /gen4/act-two.
	MinActTwoDrivingSeconds = 3
	MaxActTwoDrivingSeconds = 30
)

// ActTwoAspectRatios are the aspect ratios POST /gen4/act-two takes.
var ActTwoAspectRatios = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9"}

// VideoUpscaleRequest is the body of POST /videos/upscale (Topaz, to 4K,
// keeping the source's aspect ratio). The account that owns the video runs
// and pays for it; the endpoint takes no email and no seed.
type VideoUpscaleRequest struct {
	// VideoAssetID is any video asset of at most 40 s (required).
	VideoAssetID string  `json:"videoAssetId"`
	ExploreMode  *bool   `json:"exploreMode,omitempty"`
	ReplyURL     *string `json:"replyUrl,omitempty"`
	ReplyRef     *string `json:"replyRef,omitempty"`
	MaxJobs      *int64  `json:"maxJobs,omitempty"`
}

// Validate checks the request against the gateway's documented rules.
func (r *VideoUpscaleRequest) Validate() error {
	if r == nil || strings.TrimSpace(r.VideoAssetID) == "" {
		return invalid("videoAssetId", "is required")
	}
	o := CreateOptions{ExploreMode: r.ExploreMode, ReplyURL: r.ReplyURL, ReplyRef: r.ReplyRef, MaxJobs: r.MaxJobs}
	return o.validateOptions()
}

// Gen4VideoRequest is the body of POST /gen4/video (Aleph: edit a video
// with a prompt and an optional conditioning image).
type Gen4VideoRequest struct {
	// VideoAssetID is the video to edit (required); it must carry its
	// duration, width and height.
	VideoAssetID string `json:"video_assetId"`
	// TextPrompt describes the edit (required, at most 1000 characters).
	TextPrompt string `json:"text_prompt"`
	// ImageAssetID optionally conditions the edit on an image.
	ImageAssetID *string `json:"image_assetId,omitempty"`
	CreateOptions
}

// Validate checks the request against the gateway's documented rules.
func (r *Gen4VideoRequest) Validate() error {
	switch {
	case r == nil || strings.TrimSpace(r.VideoAssetID) == "":
		return invalid("video_assetId", "is required")
	case strings.TrimSpace(r.TextPrompt) == "":
		return invalid("text_prompt", "is required")
	case utf8.RuneCountInString(r.TextPrompt) > MaxAlephPromptLength:
		return invalid("text_prompt", "must be at most %d characters, got %d", MaxAlephPromptLength, utf8.RuneCountInString(r.TextPrompt))
	case r.ImageAssetID != nil && strings.TrimSpace(*r.ImageAssetID) == "":
		return invalid("image_assetId", "must not be empty when set")
	}
	return r.validateOptions()
}

// ActTwoRequest is the body of POST /gen4/act-two (performance transfer
// from a driving video to a character image or video).
type ActTwoRequest struct {
	// DrivingAssetID is the performance, a 3–30 s video (required).
	DrivingAssetID string `json:"driving_assetId"`
	// CharacterAssetID is the character, an image or a video (required).
	CharacterAssetID string `json:"character_assetId"`
	// AspectRatio is one of ActTwoAspectRatios (gateway default 16:9).
	AspectRatio *string `json:"aspect_ratio,omitempty"`
	// BodyControl transfers body motion too (gateway default true).
	BodyControl *bool `json:"body_control,omitempty"`
	// ExpressionIntensity is 1..5 (gateway default 3).
	ExpressionIntensity *int64 `json:"expression_intensity,omitempty"`
	CreateOptions
}

// Validate checks the request against the gateway's documented rules.
func (r *ActTwoRequest) Validate() error {
	switch {
	case r == nil || strings.TrimSpace(r.DrivingAssetID) == "":
		return invalid("driving_assetId", "is required")
	case strings.TrimSpace(r.CharacterAssetID) == "":
		return invalid("character_assetId", "is required")
	case r.ExpressionIntensity != nil && (*r.ExpressionIntensity < 1 || *r.ExpressionIntensity > 5):
		return invalid("expression_intensity", "must be between 1 and 5, got %d", *r.ExpressionIntensity)
	case r.AspectRatio != nil && !slices.Contains(ActTwoAspectRatios, *r.AspectRatio):
		return invalid("aspect_ratio", "must be one of %s, got %q", strings.Join(ActTwoAspectRatios, ", "), *r.AspectRatio)
	}
	return r.validateOptions()
}

// UpscaleVideo submits POST /videos/upscale.
func (c *Client) UpscaleVideo(ctx context.Context, r *VideoUpscaleRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, PathVideosUpscale, r)
}

// EditVideo submits POST /gen4/video (Aleph).
func (c *Client) EditVideo(ctx context.Context, r *Gen4VideoRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, PathGen4Video, r)
}

// CreateActTwo submits POST /gen4/act-two.
func (c *Client) CreateActTwo(ctx context.Context, r *ActTwoRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, PathGen4ActTwo, r)
}
