package transport

import (
	"fmt"
	"testing"
)

func TestCreateOutcomeUnknown(t *testing.T) {
	tests := []struct {
		status int
		want   bool
		why    string
	}{
		{200, true, "a success without a readable id: the task exists"},
		{201, true, "a success without a readable id"},
		{102, true, "not a final answer to a create"},
		{302, true, "a create should never end on a redirect"},
		{400, false, "the request was rejected as invalid"},
		{401, false, "the token was rejected"},
		{402, false, "no credits"},
		{403, false, "forbidden"},
		{404, false, "unknown path or id"},
		{408, true, "a proxy that timed out may have forwarded the request"},
		{409, false, "conflict: refused"},
		{412, false, "out of credits on useapi.net"},
		{422, false, "moderation or validation"},
		{429, false, "busy: nothing was created"},
		{455, false, "Apikley maintenance: nothing was created"},
		{499, false, "still a client error"},
		{500, true, "the server failed, maybe after starting"},
		{501, false, "the operation is not offered"},
		{502, true, "a proxy's answer after forwarding"},
		{503, true, "may come from a proxy after forwarding"},
		{504, true, "a proxy timed out after forwarding"},
		{505, false, "the protocol version is not supported: nothing ran"},
		{524, true, "a CDN timeout after forwarding"},
		{596, true, "useapi.net lost its Runway session, maybe mid-create"},
		{600, true, "unexpected"},
		{0, true, "no status at all"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			if got := CreateOutcomeUnknown(tc.status); got != tc.want {
				t.Errorf("CreateOutcomeUnknown(%d) = %v, want %v (%s)", tc.status, got, tc.want, tc.why)
			}
		})
	}
}
