package useapi

import (
	"encoding/json"
	"fmt"
)

// UnifiedFields are what both unified create endpoints (/videos/create and
// /images/create) take, under the same names: the model, the prompt, the
// account, the framing and the numbered image inputs.
type UnifiedFields struct {
	// Model is one of VideoModels' or ImageModels' ids (required).
	Model string
	// TextPrompt is required, optional or refused depending on the model.
	TextPrompt *string
	// Email selects the account when no input asset pins one.
	Email string
	// AspectRatio and Resolution are per model.
	AspectRatio *string
	Resolution  *string
	// ImageAssetIDs are imageAssetId1…N: references, the first frame or, on
	// some video models, the end frame in slot 2.
	ImageAssetIDs []string
}

// body starts a unified create's body with the shared fields.
func (u *UnifiedFields) body() flatBody {
	b := flatBody{"model": u.Model}
	setOptional(b, "text_prompt", u.TextPrompt)
	b.setString("email", u.Email)
	setOptional(b, "aspect_ratio", u.AspectRatio)
	setOptional(b, "resolution", u.Resolution)
	b.setNumbered("imageAssetId%d", u.ImageAssetIDs)
	return b
}

// flatBody is the JSON body of the gateway's unified create endpoints
// (/videos/create, /images/create): optional fields are present only when
// set, and repeated inputs are numbered fields (imageAssetId1, imageAssetId2…)
// instead of arrays.
type flatBody map[string]any

// setOptional sets key to *v when v is not nil.
func setOptional[T any](b flatBody, key string, v *T) {
	if v != nil {
		b[key] = *v
	}
}

// setString sets key to v when v is not empty.
func (b flatBody) setString(key, v string) {
	if v != "" {
		b[key] = v
	}
}

// setNumbered sets fmt.Sprintf(format, n) to the n-th value, from 1.
func (b flatBody) setNumbered(format string, values []string) {
	for i, v := range values {
		b[fmt.Sprintf(format, i+1)] = v
	}
}

// marshal adds the options every create accepts and encodes the body.
func (b flatBody) marshal(opts CreateOptions) ([]byte, error) {
	raw, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	for k, f := range fields {
		b[k] = f
	}
	return json.Marshal(map[string]any(b))
}
