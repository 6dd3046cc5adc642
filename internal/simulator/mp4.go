package simulator

import "github.com/tfrunway/terraform-provider-runway/internal/media"

// The MP4 helpers live in internal/media (the provider reads uploads with
// them too); these names keep the simulator's API unchanged.
type MP4Info = media.MP4Info

var (
	ErrNotMP4    = media.ErrNotMP4
	MinimalMP4   = media.MinimalMP4
	ParseMP4Info = media.ParseMP4Info
)
