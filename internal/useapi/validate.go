package useapi

import (
	"math"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits from the gateway's documentation, exported so the
// provider's plan-time validators and the simulator use the same numbers.
const (
	MinSeed           = 1
	MaxSeed           = 4294967294
	MaxReplyLength    = 1024
	MinMaxJobs        = 1
	MaxMaxJobs        = 10
	MinGen2Motion     = 1
	MaxGen2Motion     = 10
	MinCameraMotion   = -10
	MaxCameraMotion   = 10
	MinStructureXform = 0
	MaxStructureXform = 10
)

// Validate checks the request against the gateway's documented rules. The
// create call runs it first, because every rejected create is a round trip
// and an accepted bad one costs credits.
func (r *Gen2ExtendRequest) Validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	if strings.TrimSpace(r.AssetID) == "" {
		return invalid("assetId", "is required")
	}
	if r.Motion != nil && (*r.Motion < MinGen2Motion || *r.Motion > MaxGen2Motion) {
		return invalid("motion", "must be between %d and %d, got %d", MinGen2Motion, MaxGen2Motion, *r.Motion)
	}
	camera := []struct {
		name string
		v    *int64
	}{{"horizontal", r.Horizontal}, {"vertical", r.Vertical}, {"roll", r.Roll}, {"zoom", r.Zoom}, {"pan", r.Pan}, {"tilt", r.Tilt}}
	var set []string
	for _, c := range camera {
		if c.v == nil {
			continue
		}
		set = append(set, c.name)
		if *c.v < MinCameraMotion || *c.v > MaxCameraMotion {
			return invalid(c.name, "must be between %d and %d, got %d", MinCameraMotion, MaxCameraMotion, *c.v)
		}
	}
	if r.Motion != nil && len(set) > 0 {
		return invalid("motion", "cannot be combined with camera motion (%s)", strings.Join(set, ", "))
	}
	return r.validateOptions()
}

// Validate checks the request against the gateway's documented rules; see
// Gen2ExtendRequest.Validate.
func (r *Gen3VideoRequest) Validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	if strings.TrimSpace(r.AssetID) == "" {
		return invalid("assetId", "is required")
	}
	if strings.TrimSpace(r.TextPrompt) == "" {
		return invalid("text_prompt", "is required")
	}
	if v := r.StructureTransformation; v != nil && (math.IsNaN(*v) || *v < MinStructureXform || *v > MaxStructureXform) {
		return invalid("structure_transformation", "must be between %d and %d, got %v", MinStructureXform, MaxStructureXform, *v)
	}
	if r.Seconds != nil && *r.Seconds <= 0 {
		return invalid("seconds", "must be positive, got %d", *r.Seconds)
	}
	if r.Resolution != nil && *r.Resolution != "720p" {
		return invalid("resolution", "must be 720p, got %q", *r.Resolution)
	}
	return r.validateOptions()
}

// Validate checks the request against the gateway's documented rules; see
// Gen2ExtendRequest.Validate.
func (r *Gen3TurboExpandRequest) Validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	if strings.TrimSpace(r.VideoAssetID) == "" {
		return invalid("videoAssetId", "is required")
	}
	if r.ImageAssetID != nil && strings.TrimSpace(*r.ImageAssetID) == "" {
		return invalid("imageAssetId", "must not be empty when set")
	}
	if r.Seconds != nil && *r.Seconds != 5 && *r.Seconds != 10 {
		return invalid("seconds", "must be 5 or 10, got %d", *r.Seconds)
	}
	if r.OutpaintAspectRatio != nil && *r.OutpaintAspectRatio != "landscape" && *r.OutpaintAspectRatio != "portrait" {
		return invalid("outpaint_aspect_ratio", "must be landscape or portrait, got %q", *r.OutpaintAspectRatio)
	}
	return r.validateOptions()
}

// validateOptions checks the options every create endpoint shares; each
// request's Validate calls it after its own fields.
func (o *CreateOptions) validateOptions() error {
	if o.Seed != nil && (*o.Seed < MinSeed || *o.Seed > MaxSeed) {
		return invalid("seed", "must be between %d and %d, got %d", MinSeed, MaxSeed, *o.Seed)
	}
	if o.ReplyURL != nil {
		if n := utf8.RuneCountInString(*o.ReplyURL); n > MaxReplyLength {
			return invalid("replyUrl", "must be at most %d characters, got %d", MaxReplyLength, n)
		}
		u, err := url.Parse(*o.ReplyURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("replyUrl", "must be an absolute http:// or https:// URL")
		}
	}
	if o.ReplyRef != nil {
		if n := utf8.RuneCountInString(*o.ReplyRef); n > MaxReplyLength {
			return invalid("replyRef", "must be at most %d characters, got %d", MaxReplyLength, n)
		}
	}
	if o.MaxJobs != nil && (*o.MaxJobs < MinMaxJobs || *o.MaxJobs > MaxMaxJobs) {
		return invalid("maxJobs", "must be between %d and %d, got %d", MinMaxJobs, MaxMaxJobs, *o.MaxJobs)
	}
	return nil
}
