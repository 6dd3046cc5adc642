package useapi

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// FlexNumber is a JSON value that the gateway sends as a number, as a string
// holding a number ("0.45", "12345678"), or as null, depending on the field
// and the day. It keeps the original JSON so that a decoded answer encodes
// back byte for byte, and reads it as a number on demand.
type FlexNumber struct {
	raw json.RawMessage
}

// Number returns a FlexNumber holding a JSON number. NaN and infinities,
// which JSON cannot express, give null.
func Number(v float64) FlexNumber {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return FlexNumber{}
	}
	return FlexNumber{raw: json.RawMessage(strconv.FormatFloat(v, 'f', -1, 64))}
}

// NumberString returns a FlexNumber holding a number written as a JSON string,
// the form the gateway uses for progressRatio and an artifact's fileSize.
// NaN and infinities give null.
func NumberString(v float64) FlexNumber {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return FlexNumber{}
	}
	b, _ := json.Marshal(strconv.FormatFloat(v, 'f', -1, 64))
	return FlexNumber{raw: b}
}

// UnmarshalJSON keeps the raw value; validation is deferred to the accessors
// so that an odd value in one field never fails the whole answer. The bytes
// are copied into a fresh slice so that copies of a FlexNumber never share
// storage with a later decode.
func (n *FlexNumber) UnmarshalJSON(b []byte) error {
	n.raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the value as it was received (null when never set).
func (n FlexNumber) MarshalJSON() ([]byte, error) {
	if len(n.raw) == 0 {
		return []byte("null"), nil
	}
	return n.raw, nil
}

// IsNull reports whether the value is absent or JSON null.
func (n FlexNumber) IsNull() bool {
	t := bytes.TrimSpace(n.raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// Float64 returns the value as a float64 and whether it was a usable number.
// NaN and infinities (which strconv accepts inside a string, e.g. "NaN")
// are not usable: they would poison progress and size arithmetic.
func (n FlexNumber) Float64() (float64, bool) {
	if n.IsNull() {
		return 0, false
	}
	t := bytes.TrimSpace(n.raw)
	var s string
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, false
		}
	} else {
		// Only a JSON number is a number: strconv would also accept
		// hexadecimal floats, underscores and "Inf" without quotes.
		if !isJSONNumber(t) {
			return 0, false
		}
		s = string(t)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// Int64 returns the value truncated to an integer and whether it was
// usable. Values outside the int64 range are not usable rather than
// silently wrapped.
func (n FlexNumber) Int64() (int64, bool) {
	f, ok := n.Float64()
	if !ok || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// String returns the raw JSON text, for logs and error messages.
func (n FlexNumber) String() string {
	if len(n.raw) == 0 {
		return "null"
	}
	return string(n.raw)
}

// isJSONNumber reports whether b is a JSON number literal.
func isJSONNumber(b []byte) bool {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return false
	}
	return json.Valid(b)
}

// Raw returns the JSON as received.
func (n FlexNumber) Raw() json.RawMessage { return n.raw }
