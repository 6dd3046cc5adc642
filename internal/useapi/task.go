package useapi

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Progress returns progressRatio as a fraction in [0,1]. The gateway sends
// it as a string ("0.45", "1") or a number, and null before the task runs;
// the second result is false when there is no usable value. Out-of-range
// values are clamped rather than rejected so a progress bar never breaks.
func (t *Task) Progress() (float64, bool) {
	if t == nil {
		return 0, false
	}
	v, ok := t.ProgressRatio.Float64()
	if !ok {
		return 0, false
	}
	return math.Min(1, math.Max(0, v)), true
}

// EstimatedStart returns estimatedTimeToStartSeconds as a duration. It is
// false when the gateway sent null, nothing, or a negative or unusable
// value. Huge values are capped at a year to keep the arithmetic safe.
func (t *Task) EstimatedStart() (time.Duration, bool) {
	if t == nil {
		return 0, false
	}
	s, ok := t.EstimatedTimeToStartSeconds.Float64()
	if !ok || s < 0 {
		return 0, false
	}
	const maxSecs = 365 * 24 * 3600
	if s > maxSecs {
		s = maxSecs
	}
	return time.Duration(s * float64(time.Second)), true
}

// CreditsUsed returns features.numPlanCredits_used, which the create
// endpoints echo so the provider can report what the plan has consumed.
func (t *Task) CreditsUsed() (float64, bool) {
	if t == nil || t.Features == nil {
		return 0, false
	}
	return t.Features.NumPlanCreditsUsed.Float64()
}

// CreditsPermitted returns features.numPlanCredits_permitted.
func (t *Task) CreditsPermitted() (float64, bool) {
	if t == nil || t.Features == nil {
		return 0, false
	}
	return t.Features.NumPlanCreditsPermitted.Float64()
}

// FailureDetail interprets the task's error, which the gateway has sent as
// null, as a plain JSON string, and as the object {errorMessage, reason,
// message, moderation_category, tally_asimov}. A string lands in
// ErrorMessage; an object of unknown shape or any other JSON value lands in
// ErrorMessage as (shortened) JSON text so nothing the gateway said is lost.
// null, false, "" and {} mean "no error".
func (t *Task) FailureDetail() TaskError {
	if t == nil {
		return TaskError{}
	}
	return parseTaskError(t.Error)
}

// FailureMessage is a human sentence for a failed task, combining the
// gateway's errorMessage and message with the reason and moderation
// category, e.g. "This task was moderated. Prompt flagged (reason
// SAFETY.INPUT.TEXT, moderation category VIOLENCE)". Empty when the task
// carries no error.
func (t *Task) FailureMessage() string {
	d := t.FailureDetail()
	var b strings.Builder
	for _, m := range []string{d.ErrorMessage, d.Message} {
		m = strings.TrimSpace(m)
		if m == "" || strings.Contains(b.String(), m) {
			continue
		}
		if b.Len() > 0 {
			if strings.ContainsAny(b.String()[b.Len()-1:], ".!?:;") {
				b.WriteString(" ")
			} else {
				b.WriteString(": ")
			}
		}
		b.WriteString(m)
	}
	var details []string
	if r := strings.TrimSpace(d.Reason); r != "" && !strings.Contains(b.String(), r) {
		details = append(details, "reason "+r)
	}
	if c := strings.TrimSpace(d.ModerationCategory); c != "" {
		details = append(details, "moderation category "+c)
	}
	if len(details) > 0 {
		if b.Len() > 0 {
			b.WriteString(" (" + strings.Join(details, ", ") + ")")
		} else {
			b.WriteString(strings.Join(details, ", "))
		}
	}
	return b.String()
}

// Media interprets the artifact's metadata in either known shape.
func (a Artifact) Media() MediaMetadata { return parseMedia(a.Metadata) }

// FileSizeBytes returns fileSize, which artifacts carry as a string
// ("12345678") and asset listings as a number.
func (a Artifact) FileSizeBytes() (int64, bool) { return a.FileSize.Int64() }

// Media interprets the asset's metadata in either known shape; uploaded
// images may have null metadata, which gives an empty MediaMetadata.
func (a Asset) Media() MediaMetadata { return parseMedia(a.Metadata) }

// FileSizeBytes returns the asset's fileSize.
func (a Asset) FileSizeBytes() (int64, bool) { return a.FileSize.Int64() }

func parseTaskError(raw json.RawMessage) TaskError {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return TaskError{}
	}
	switch t[0] {
	case 'n', 'f': // null, false
		if bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("false")) {
			return TaskError{}
		}
	case '"':
		return TaskError{ErrorMessage: lenientString(t)}
	case '{':
		m, ok := jsonObject(t)
		if !ok {
			return TaskError{ErrorMessage: snippet(t, maxErrorText)}
		}
		if len(m) == 0 {
			return TaskError{}
		}
		e := TaskError{
			ErrorMessage:       lenientString(m["errorMessage"]),
			Reason:             lenientString(m["reason"]),
			Message:            lenientString(m["message"]),
			ModerationCategory: lenientString(m["moderation_category"]),
			TallyAsimov:        lenientBool(m["tally_asimov"]),
		}
		if e.ErrorMessage == "" && e.Message == "" && e.Reason == "" && e.ModerationCategory == "" {
			e.ErrorMessage = snippet(t, maxErrorText)
		}
		return e
	}
	return TaskError{ErrorMessage: snippet(t, maxErrorText)}
}

// maxErrorText bounds gateway text copied into messages.
const maxErrorText = 500

// lenientString reads a JSON value as text: strings verbatim, null as
// empty, anything else as its compact JSON.
func lenientString(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return ""
	}
	if t[0] == '"' {
		var s string
		if json.Unmarshal(t, &s) == nil {
			return strings.TrimSpace(s)
		}
	}
	return snippet(t, maxErrorText)
}

// lenientBool reads true/false, also when sent as a string.
func lenientBool(raw json.RawMessage) *bool {
	t := bytes.TrimSpace(raw)
	var b bool
	if json.Unmarshal(t, &b) == nil && len(t) > 0 && t[0] != 'n' {
		return &b
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			v := true
			return &v
		case "false":
			v := false
			return &v
		}
	}
	return nil
}

func parseMedia(raw json.RawMessage) MediaMetadata {
	m, ok := jsonObject(raw)
	if !ok {
		return MediaMetadata{}
	}
	md := MediaMetadata{
		FrameRate:       flexFloat(m["frameRate"]),
		Duration:        flexFloat(m["duration"]),
		HasAlphaChannel: lenientBool(m["hasAlphaChannel"]),
		HasAudio:        lenientBool(m["hasAudio"]),
	}
	// The size comes as width/height, as a size object, or as a
	// [width, height] array, whichever the task type uses.
	md.fillSize(m["width"], m["height"])
	if size, ok := jsonObject(m["size"]); ok {
		md.fillSize(size["width"], size["height"])
	}
	var dims []json.RawMessage
	if json.Unmarshal(m["dimensions"], &dims) == nil && len(dims) >= 2 {
		md.fillSize(dims[0], dims[1])
	}
	return md
}

// fillSize sets whichever of Width and Height is still unknown.
func (md *MediaMetadata) fillSize(width, height json.RawMessage) {
	if md.Width == nil {
		md.Width = flexInt(width)
	}
	if md.Height == nil {
		md.Height = flexInt(height)
	}
}

func flexFloat(raw json.RawMessage) *float64 {
	if raw == nil {
		return nil
	}
	v, ok := FlexNumber{raw: raw}.Float64()
	if !ok {
		return nil
	}
	return &v
}

// flexInt reads a whole number of pixels; fractions are rounded and values
// beyond float64's exact integer range are rejected.
func flexInt(raw json.RawMessage) *int64 {
	f := flexFloat(raw)
	if f == nil || math.Abs(*f) > 1<<53 {
		return nil
	}
	v := int64(math.Round(*f))
	return &v
}

// snippet shortens gateway text for messages: valid UTF-8, control
// characters flattened to spaces, at most maxLen bytes including the
// ellipsis that marks a cut.
func snippet(b []byte, maxLen int) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) <= maxLen {
		return s
	}
	cut := maxLen - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
