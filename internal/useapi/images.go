package useapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// PathImagesCreate is the gateway's image endpoint.
const PathImagesCreate = "/images/create"

// ImageModel is what one model of POST /images/create accepts. The table
// (ImageModels) follows the gateway's Postman collection (July 2026), newer
// than its "Images" page (February 2026, four models): where they disagree
// (reference counts), the collection's eight imageAssetId slots win.
type ImageModel struct {
	ID string
	// AspectRatios accepted; Resolutions accepted (nil: refused).
	AspectRatios, Resolutions []string
	// MinImages/MaxImages bound the reference images.
	MinImages, MaxImages int
	// PromptRequired; MaxPrompt in characters.
	PromptRequired bool
	MaxPrompt      int
	// Style, Diversity (1–5) and Seed are accepted.
	Style, Diversity, Seed bool
}

var (
	imageRatiosAll        = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "4:5", "5:4", "3:2", "2:3", "9:21"}
	imageRatiosNanoBanana = append([]string{"auto"}, imageRatiosAll[:len(imageRatiosAll)-1]...)
	imageRatiosGPT        = []string{"1:1", "3:2", "2:3"}
	imageRatiosGen4       = []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9"}
)

// ImageModels is every model of POST /images/create, in the gateway's order.
var ImageModels = []ImageModel{
	{ID: "flux-2-max", AspectRatios: imageRatiosAll, Resolutions: []string{"1K", "2K", "4K", "0.6MP"}, MaxImages: 8, MaxPrompt: 4000, Seed: true},
	// Reference slots 5 and above need FLUX.2 Max, Nano Banana Pro/2/2 Lite
	// or Seedream 5.
	{ID: "flux-2-klein", AspectRatios: imageRatiosAll, Resolutions: []string{"1K", "2K", "0.6MP"}, MaxImages: 4, MaxPrompt: 4000, Seed: true},
	{ID: "nano-banana", AspectRatios: imageRatiosNanoBanana, MaxImages: 3, MaxPrompt: 5000},
	{ID: "nano-banana-pro", AspectRatios: imageRatiosNanoBanana, Resolutions: []string{"1K", "2K", "4K"}, MaxImages: 8, MaxPrompt: 5000},
	{ID: "nano-banana-2", AspectRatios: imageRatiosNanoBanana, Resolutions: []string{"1K", "2K", "4K"}, MaxImages: 8, MaxPrompt: 5000},
	{ID: "nano-banana-2-lite", AspectRatios: imageRatiosNanoBanana, MaxImages: 8, MaxPrompt: 5000},
	{ID: "gpt-image-1-5", AspectRatios: imageRatiosGPT, MaxImages: 4, PromptRequired: true, MaxPrompt: 5000},
	{ID: "gpt-image-1-mini", AspectRatios: imageRatiosGPT, MaxImages: 4, PromptRequired: true, MaxPrompt: 5000},
	{ID: "seedream-5", AspectRatios: []string{"16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "3:2", "2:3"}, Resolutions: []string{"2K", "3K"}, MaxImages: 8, MaxPrompt: 5000},
	{ID: "gen4", AspectRatios: imageRatiosGen4, Resolutions: []string{"1080p", "720p"}, MaxImages: 3, MaxPrompt: 5000, Style: true, Diversity: true, Seed: true},
	{ID: "gen4-turbo", AspectRatios: imageRatiosGen4, Resolutions: []string{"1080p"}, MinImages: 1, MaxImages: 3, MaxPrompt: 5000, Style: true, Seed: true},
}

// ImageModelByID finds a model.
func ImageModelByID(id string) (ImageModel, bool) { return modelByID(ImageModels, id) }

// ImageModelIDs lists the model ids in the gateway's order.
func ImageModelIDs() []string { return modelIDs(ImageModels) }

// ImageInputs is what ImageModel.Check needs of a request; nil pointers are
// unset (or not known yet).
type ImageInputs struct {
	PromptLength            *int
	PromptUnknown           bool
	AspectRatio, Resolution *string
	NumImages               *int64
	Images                  int
	ImagesUnknown           bool
	Style, Diversity, Seed  bool
}

// Check returns the first input the model refuses, or nil.
func (m ImageModel) Check(in ImageInputs) *Problem {
	bad := func(field, format string, args ...any) *Problem {
		return &Problem{Field: field, Message: m.ID + " " + fmt.Sprintf(format, args...)}
	}
	switch {
	case m.PromptRequired && in.PromptLength == nil && !in.PromptUnknown:
		return bad("text_prompt", "requires text_prompt")
	case in.PromptLength != nil && *in.PromptLength > m.MaxPrompt:
		return bad("text_prompt", "takes text_prompt of at most %d characters, not %d", m.MaxPrompt, *in.PromptLength)
	case in.AspectRatio != nil && !slices.Contains(m.AspectRatios, *in.AspectRatio):
		return bad("aspect_ratio", "takes aspect_ratio %s, not %q", orList(m.AspectRatios), *in.AspectRatio)
	case in.Resolution != nil && m.Resolutions == nil:
		return bad("resolution", "takes no resolution")
	case in.Resolution != nil && !slices.Contains(m.Resolutions, *in.Resolution):
		return bad("resolution", "takes resolution %s, not %q", orList(m.Resolutions), *in.Resolution)
	case in.NumImages != nil && *in.NumImages != 1 && *in.NumImages != 4:
		return bad("num_images", "makes 1 or 4 images, not %d", *in.NumImages)
	case !in.ImagesUnknown && in.Images < m.MinImages:
		return bad("image_asset_ids", "requires %d reference image(s) in image_asset_ids", m.MinImages)
	case in.Images > m.MaxImages:
		return bad("image_asset_ids", "takes at most %d reference image(s), not %d", m.MaxImages, in.Images)
	case in.Style && !m.Style:
		return bad("style", "takes no style (only gen4 and gen4-turbo do)")
	case in.Diversity && !m.Diversity:
		return bad("diversity", "takes no diversity (only gen4 does)")
	case in.Seed && !m.Seed:
		return bad("seed", "takes no seed")
	}
	return nil
}

// ImageCreateRequest is the body of POST /images/create.
type ImageCreateRequest struct {
	// UnifiedFields' ImageAssetIDs are up to 8 references.
	UnifiedFields
	NumImages *int64
	Style     *string
	Diversity *int64
	CreateOptions
}

// MarshalJSON writes the gateway's flat, numbered field names.
func (r *ImageCreateRequest) MarshalJSON() ([]byte, error) {
	body := r.body()
	setOptional(body, "num_images", r.NumImages)
	setOptional(body, "style", r.Style)
	setOptional(body, "diversity", r.Diversity)
	return body.marshal(r.CreateOptions)
}

// Validate checks the request against its model (ImageModels).
func (r *ImageCreateRequest) Validate() error {
	if r == nil {
		return invalid("request", "is nil")
	}
	m, ok := ImageModelByID(r.Model)
	if !ok {
		return invalid("model", "must be one of %s, got %q", strings.Join(ImageModelIDs(), ", "), r.Model)
	}
	in := ImageInputs{AspectRatio: r.AspectRatio, Resolution: r.Resolution, NumImages: r.NumImages, Images: len(r.ImageAssetIDs),
		Style: r.Style != nil, Diversity: r.Diversity != nil, Seed: r.Seed != nil}
	if r.TextPrompt != nil {
		n := utf8.RuneCountInString(*r.TextPrompt)
		in.PromptLength = &n
	}
	if p := m.Check(in); p != nil {
		return invalid(p.Field, "%s", p.Message)
	}
	if r.Diversity != nil && (*r.Diversity < 1 || *r.Diversity > 5) {
		return invalid("diversity", "must be between 1 and 5, got %d", *r.Diversity)
	}
	return r.validateOptions()
}

// CreateImage submits POST /images/create.
func (c *Client) CreateImage(ctx context.Context, r *ImageCreateRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, PathImagesCreate, r)
}
