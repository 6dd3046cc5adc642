package useapi

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// PathVideosCreate is the gateway's unified video endpoint: one route for
// every current video model, chosen by VideoCreateRequest.Model.
const PathVideosCreate = "/videos/create"

// Shot is one shot of a multi-shot video (Kling 3.0 and Kling O3).
type Shot struct {
	Prompt   string
	Duration int64
}

// VideoCreateRequest is the body of POST /videos/create. The gateway names
// numbered fields (imageAssetId1…11, videoAssetId, videoAssetId2…,
// audioAssetId1…3, multishot_prompt_N / multishot_duration_N); the request
// holds them as lists, and MarshalJSON numbers them.
type VideoCreateRequest struct {
	UnifiedFields
	// Duration is the length in seconds (per model).
	Duration *int64
	// Audio asks for generated sound (models with audio; gateway default true).
	Audio *bool
	// StartFrameAssetID and EndFrameAssetID are keyframes (Seedance 2,
	// Kling O3).
	StartFrameAssetID string
	EndFrameAssetID   string
	// VideoAssetIDs are videoAssetId, videoAssetId2, videoAssetId3.
	VideoAssetIDs []string
	// AudioAssetIDs are audioAssetId1…3 (Seedance 2).
	AudioAssetIDs []string
	// CharacterOrientation is "image" or "video" (Kling 3.0 Motion Control).
	CharacterOrientation *string
	// Shots are multishot_prompt_N / multishot_duration_N.
	Shots []Shot
	CreateOptions
}

// MarshalJSON writes the gateway's flat, numbered field names.
func (r *VideoCreateRequest) MarshalJSON() ([]byte, error) {
	body := r.body()
	setOptional(body, "duration", r.Duration)
	setOptional(body, "audio", r.Audio)
	body.setString("startFrameAssetId", r.StartFrameAssetID)
	body.setString("endFrameAssetId", r.EndFrameAssetID)
	if len(r.VideoAssetIDs) > 0 {
		// The first video is videoAssetId, the next videoAssetId2, videoAssetId3.
		body["videoAssetId"] = r.VideoAssetIDs[0]
		for i, id := range r.VideoAssetIDs[1:] {
			body[fmt.Sprintf("videoAssetId%d", i+2)] = id
		}
	}
	body.setNumbered("audioAssetId%d", r.AudioAssetIDs)
	setOptional(body, "characterOrientation", r.CharacterOrientation)
	for i, s := range r.Shots {
		body[fmt.Sprintf("multishot_prompt_%d", i+1)] = s.Prompt
		body[fmt.Sprintf("multishot_duration_%d", i+1)] = s.Duration
	}
	return body.marshal(r.CreateOptions)
}

// Validate checks the request against its model's capabilities
// (VideoModels), so that nothing is paid for input the gateway would
// refuse.
func (r *VideoCreateRequest) Validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	m, ok := VideoModelByID(r.Model)
	if !ok {
		return invalid("model", "must be one of %s, got %q", strings.Join(VideoModelIDs(), ", "), r.Model)
	}
	if p := m.Check(r.VideoInputs()); p != nil {
		return invalid(p.Field, "%s", p.Message)
	}
	for _, id := range append(append(append([]string{}, r.ImageAssetIDs...), r.VideoAssetIDs...), r.AudioAssetIDs...) {
		if strings.TrimSpace(id) == "" {
			return invalid("assetId", "must not be empty")
		}
	}
	return r.validateOptions()
}

// VideoInputs summarises the request for VideoModel.Check.
func (r *VideoCreateRequest) VideoInputs() VideoInputs {
	in := VideoInputs{
		Duration: r.Duration, AspectRatio: r.AspectRatio, Resolution: r.Resolution, Audio: r.Audio,
		Images: len(r.ImageAssetIDs), Videos: len(r.VideoAssetIDs), AudioRefs: len(r.AudioAssetIDs),
		StartFrame: r.StartFrameAssetID != "", EndFrame: r.EndFrameAssetID != "",
		CharacterOrientation: r.CharacterOrientation, Seed: r.Seed != nil,
		ExploreMode: r.ExploreMode != nil && *r.ExploreMode,
	}
	if r.TextPrompt != nil {
		n := utf8.RuneCountInString(*r.TextPrompt)
		in.PromptLength = &n
	}
	for _, s := range r.Shots {
		in.Shots = append(in.Shots, s.Duration)
	}
	return in
}

// CreateVideo submits POST /videos/create.
func (c *Client) CreateVideo(ctx context.Context, r *VideoCreateRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, PathVideosCreate, r)
}
