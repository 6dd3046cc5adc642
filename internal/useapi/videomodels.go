package useapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// VideoModel is what one model of POST /videos/create accepts. The table
// (VideoModels) follows the gateway's "Videos" page (March 2026, updated
// May 2026) and, where they disagree, its newer Postman collection (July
// 2026): the choices are noted beside each entry. Nothing here is a
// guess that makes the provider stricter than a documented value: where a
// page says nothing, the entry accepts what the endpoint accepts in general.
type VideoModel struct {
	ID string
	// Durations are the accepted lengths in seconds; nil: the model refuses
	// `duration` (the length follows an input video).
	Durations []int64
	// AspectRatios (text-to-video) and ImageAspectRatios (with an input
	// image; nil: same as AspectRatios); nil AspectRatios: refused.
	AspectRatios, ImageAspectRatios []string
	// Resolutions; nil: refused (the model decides).
	Resolutions []string
	// MinImages/MaxImages bound imageAssetId1…N; MaxImageRefs bounds images
	// and videos together (0: no joint bound).
	MinImages, MaxImages, MaxImageRefs int
	// MinVideos/MaxVideos bound videoAssetId…; MaxAudioRefs audioAssetId….
	MinVideos, MaxVideos, MaxAudioRefs int
	// Keyframes: startFrameAssetId/endFrameAssetId; KeyframesWithRefs:
	// a start frame may be combined with reference images.
	Keyframes, KeyframesWithRefs bool
	// Prompt: PromptRequired or PromptRefused; MaxPrompt in characters.
	PromptRequired, PromptRefused bool
	MaxPrompt                     int
	// Audio: the `audio` switch is accepted.
	Audio bool
	// Explore: the gateway documents exploreMode for the model; Seed: seed.
	Explore, Seed bool
	// MinShots/MaxShots bound multishot_*: 0 means no multi-shot.
	MinShots, MaxShots int
	// CharacterOrientation is accepted (Kling 3.0 Motion Control).
	CharacterOrientation bool
}

// Aspect ratio lists of the endpoint.
var (
	ratiosStandard = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9"}
	ratiosKling    = []string{"16:9", "9:16", "1:1"}
)

func secondsRange(lo, hi int64) []int64 {
	var out []int64
	for s := lo; s <= hi; s++ {
		out = append(out, s)
	}
	return out
}

func seedance(id string) VideoModel {
	return VideoModel{
		ID: id, Durations: secondsRange(4, 15), AspectRatios: ratiosStandard,
		Resolutions: []string{"480p", "720p", "1080p"},
		MaxImages:   11, MaxImageRefs: 11, MaxVideos: 3, MaxAudioRefs: 3,
		Keyframes: true, MaxPrompt: 3500, Audio: true,
	}
}

func klingO3(id string, editVideo bool) VideoModel {
	m := VideoModel{
		ID: id, Durations: []int64{5, 10, 15}, AspectRatios: ratiosKling,
		MaxImages: 7, Keyframes: true, KeyframesWithRefs: true, MaxPrompt: 2500, Audio: true,
		MinShots: 2, MaxShots: 6,
	}
	if editVideo {
		m.MaxVideos = 1
	}
	return m
}

func kling30(id string) VideoModel {
	// Prompt limit: 2500 on the March page, 5000 by the Postman
	// collection's default rule (newer): 5000.
	return VideoModel{
		ID: id, Durations: []int64{5, 10, 15}, AspectRatios: ratiosKling,
		MaxImages: 2, MaxPrompt: 5000, Audio: true, MinShots: 2, MaxShots: 5,
	}
}

func gen4(id string) VideoModel {
	// Prompt limit: 1000 on the March page, 512 in the Postman collection
	// (newer): 512.
	return VideoModel{
		ID: id, Durations: []int64{5, 10}, AspectRatios: ratiosStandard, Resolutions: []string{"720p"},
		MinImages: 1, MaxImages: 1, PromptRequired: true, MaxPrompt: 512, Explore: true, Seed: true,
	}
}

func sora(id string, resolutions []string) VideoModel {
	return VideoModel{ID: id, Durations: []int64{4, 8, 12}, AspectRatios: ratiosStandard, Resolutions: resolutions, MaxImages: 1, MaxPrompt: 5000}
}

// VideoModels is every model of POST /videos/create, in the gateway's order.
var VideoModels = []VideoModel{
	seedance("seedance-2"),
	seedance("seedance-2-fast"),
	{ID: "grok-imagine-1.5", Durations: secondsRange(3, 15),
		AspectRatios: []string{"16:9", "9:16", "1:1", "4:3", "3:4", "2:3", "3:2"},
		Resolutions:  []string{"480p", "720p"}, MinImages: 1, MaxImages: 1, MaxPrompt: 2500},
	{ID: "happyhorse-1.0", Durations: secondsRange(3, 15), AspectRatios: []string{"16:9", "9:16", "1:1", "4:3", "3:4"},
		Resolutions: []string{"720p", "1080p"}, MaxImages: 1, MaxPrompt: 2500},
	klingO3("kling-o3-4k", false),
	klingO3("kling-o3-pro", true),
	klingO3("kling-o3-standard", true),
	kling30("kling-3.0-pro"),
	kling30("kling-3.0-standard"),
	{ID: "kling-3.0-motion-control", AspectRatios: ratiosStandard, Resolutions: []string{"720p", "1080p"},
		MaxImages: 1, MinVideos: 1, MaxVideos: 1, MaxPrompt: 2500, Audio: true, CharacterOrientation: true},
	// Prompt limit 5000 (the Postman collection's default rule, newer
	// than the March page's 2500).
	{ID: "kling-2.6-pro", Durations: []int64{5, 10}, AspectRatios: []string{"16:9", "9:16"},
		MaxImages: 1, PromptRequired: true, MaxPrompt: 5000, Audio: true},
	// The image decides the aspect ratio. Audio: on in the March page, not
	// in the Postman collection's audio list (newer): not accepted.
	{ID: "kling-2.6-i2v", Durations: []int64{5, 10}, MinImages: 1, MaxImages: 1, PromptRequired: true, MaxPrompt: 5000},
	{ID: "wan-2.6-flash", Durations: []int64{5, 10, 15}, AspectRatios: ratiosStandard, Resolutions: []string{"720p", "1080p"},
		MinImages: 1, MaxImages: 1, PromptRequired: true, MaxPrompt: 5000, Audio: true},
	// The source video sets the length; no prompt.
	{ID: "wan-2.2-animate", AspectRatios: ratiosStandard, MinImages: 1, MaxImages: 1, MinVideos: 1, MaxVideos: 1, PromptRefused: true},
	// imageAssetId1 is the start frame, imageAssetId2 the end frame.
	{ID: "veo-3.1", Durations: []int64{4, 6, 8}, AspectRatios: ratiosStandard, Resolutions: []string{"720p", "1080p"},
		MaxImages: 2, MaxPrompt: 5000, Audio: true},
	sora("sora-2", nil),
	sora("sora-2-pro", []string{"720p", "1080p"}),
	// Text-to-video is 16:9 only. imageAssetId2 is the end frame (Postman
	// collection, newer than the March page's single reference image).
	{ID: "gen4.5", Durations: secondsRange(2, 10), AspectRatios: []string{"16:9"}, ImageAspectRatios: ratiosStandard,
		MaxImages: 2, MaxPrompt: 5000, Audio: true, Explore: true, Seed: true},
	gen4("gen4"),
	gen4("gen4-turbo"),
}

// VideoModelByID finds a model.
func VideoModelByID(id string) (VideoModel, bool) { return modelByID(VideoModels, id) }

// VideoModelIDs lists the model ids in the gateway's order.
func VideoModelIDs() []string { return modelIDs(VideoModels) }

// VideoInputs is what Check needs to know of a request; nil pointers are
// values not set (or, at plan time, not known yet).
type VideoInputs struct {
	PromptLength                 *int
	Duration                     *int64
	AspectRatio, Resolution      *string
	Audio                        *bool
	Images, Videos, AudioRefs    int
	StartFrame, EndFrame         bool
	CharacterOrientation         *string
	Seed, ExploreMode            bool
	Shots                        []int64
	PromptUnknown, ImagesUnknown bool
	VideosUnknown                bool
}

// Problem is an input a model refuses: Field is the input's name in
// snake_case (duration, aspect_ratio, image_asset_ids…), Message names the
// model and what it allows.
type Problem struct {
	Field, Message string
}

// Check returns the first input the model refuses, or nil.
func (m VideoModel) Check(in VideoInputs) *Problem {
	bad := func(field, format string, args ...any) *Problem {
		return &Problem{Field: field, Message: m.ID + " " + fmt.Sprintf(format, args...)}
	}
	switch {
	case m.PromptRefused && in.PromptLength != nil:
		return bad("text_prompt", "takes no text_prompt (the input image and video make the result)")
	case m.PromptRequired && in.PromptLength == nil && !in.PromptUnknown:
		return bad("text_prompt", "requires text_prompt")
	case in.PromptLength != nil && m.MaxPrompt > 0 && *in.PromptLength > m.MaxPrompt:
		return bad("text_prompt", "takes text_prompt of at most %d characters, not %d", m.MaxPrompt, *in.PromptLength)
	}
	if in.Duration != nil {
		if m.Durations == nil {
			return bad("duration", "takes no duration (the length follows the input video)")
		}
		if !slices.Contains(m.Durations, *in.Duration) {
			return bad("duration", "takes duration %s, not %d", describeSeconds(m.Durations), *in.Duration)
		}
	}
	if in.AspectRatio != nil {
		ratios := m.AspectRatios
		if in.Images > 0 && m.ImageAspectRatios != nil {
			ratios = m.ImageAspectRatios
		}
		if ratios == nil {
			return bad("aspect_ratio", "takes no aspect_ratio (the input image decides)")
		}
		if !slices.Contains(ratios, *in.AspectRatio) {
			mode := ""
			if m.ImageAspectRatios != nil && in.Images == 0 && !in.ImagesUnknown {
				mode = " without an input image"
			}
			return bad("aspect_ratio", "takes aspect_ratio %s%s, not %q", orList(ratios), mode, *in.AspectRatio)
		}
	}
	if in.Resolution != nil {
		if m.Resolutions == nil {
			return bad("resolution", "takes no resolution (the model decides)")
		}
		if !slices.Contains(m.Resolutions, *in.Resolution) {
			return bad("resolution", "takes resolution %s, not %q", orList(m.Resolutions), *in.Resolution)
		}
	}
	if in.Audio != nil && !m.Audio {
		return bad("audio", "has no audio switch")
	}
	if p := m.checkReferences(in, bad); p != nil {
		return p
	}
	if in.CharacterOrientation != nil {
		if !m.CharacterOrientation {
			return bad("character_orientation", "takes no character_orientation")
		}
		if o := *in.CharacterOrientation; o != "image" && o != "video" {
			return bad("character_orientation", "takes character_orientation \"image\" or \"video\", not %q", o)
		}
	}
	if in.Seed && !m.Seed {
		return bad("seed", "takes no seed (only gen4, gen4-turbo and gen4.5 do)")
	}
	if in.ExploreMode && !m.Explore {
		return bad("explore_mode", "is not documented with explore mode (only gen4.5, gen4 and gen4-turbo are)")
	}
	return m.checkShots(in, bad)
}

func (m VideoModel) checkReferences(in VideoInputs, bad func(string, string, ...any) *Problem) *Problem {
	switch {
	case !in.ImagesUnknown && in.Images < m.MinImages:
		return bad("image_asset_ids", "requires %d input image(s) in image_asset_ids", m.MinImages)
	case in.Images > m.MaxImages:
		return bad("image_asset_ids", "takes at most %d image(s) in image_asset_ids, not %d", m.MaxImages, in.Images)
	case !in.VideosUnknown && in.Videos < m.MinVideos:
		return bad("video_asset_ids", "requires %d input video(s) in video_asset_ids", m.MinVideos)
	case in.Videos > m.MaxVideos:
		return bad("video_asset_ids", "takes at most %d video(s) in video_asset_ids, not %d", m.MaxVideos, in.Videos)
	case m.MaxImageRefs > 0 && in.Images+in.Videos > m.MaxImageRefs:
		return bad("image_asset_ids", "takes at most %d references (images and videos together), not %d", m.MaxImageRefs, in.Images+in.Videos)
	case in.AudioRefs > m.MaxAudioRefs:
		return bad("audio_asset_ids", "takes at most %d audio reference(s), not %d", m.MaxAudioRefs, in.AudioRefs)
	case in.AudioRefs > 0 && in.Images+in.Videos == 0 && !in.ImagesUnknown && !in.VideosUnknown:
		return bad("audio_asset_ids", "needs an image or video reference with audio_asset_ids")
	case (in.StartFrame || in.EndFrame) && !m.Keyframes:
		return bad("start_frame_asset_id", "takes no keyframes (start_frame_asset_id, end_frame_asset_id)")
	case in.EndFrame && !in.StartFrame:
		return bad("end_frame_asset_id", "needs start_frame_asset_id with end_frame_asset_id")
	case in.StartFrame && in.Images > 0 && !m.KeyframesWithRefs:
		return bad("start_frame_asset_id", "cannot combine keyframes with image_asset_ids")
	case in.EndFrame && in.Images > 0:
		return bad("end_frame_asset_id", "cannot combine an end frame with image_asset_ids")
	case in.StartFrame && in.AudioRefs > 0:
		return bad("audio_asset_ids", "cannot combine keyframes with audio_asset_ids")
	}
	return nil
}

func (m VideoModel) checkShots(in VideoInputs, bad func(string, string, ...any) *Problem) *Problem {
	if len(in.Shots) == 0 {
		return nil
	}
	if m.MaxShots == 0 {
		return bad("shots", "takes no shots (multi-shot is Kling 3.0 and Kling O3)")
	}
	if len(in.Shots) < m.MinShots || len(in.Shots) > m.MaxShots {
		return bad("shots", "takes %d to %d shots, not %d", m.MinShots, m.MaxShots, len(in.Shots))
	}
	var total int64
	for _, d := range in.Shots {
		if d < 3 || d > 12 {
			return bad("shots", "takes shots of 3 to 12 seconds, not %d", d)
		}
		total += d
	}
	if total > 15 {
		return bad("shots", "takes shots of at most 15 seconds in all, not %d", total)
	}
	if in.Duration != nil {
		return bad("duration", "takes no duration with shots (their durations add up to the length)")
	}
	return nil
}

// describeSeconds lists durations: "5 or 10", or "4 to 15" for a range.
func describeSeconds(d []int64) string {
	if len(d) > 3 && d[len(d)-1]-d[0] == int64(len(d)-1) {
		return fmt.Sprintf("%d to %d", d[0], d[len(d)-1])
	}
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = strconv.FormatInt(v, 10)
	}
	return orJoin(s)
}

func orList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return orJoin(q)
}

func orJoin(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
