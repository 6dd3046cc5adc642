package simulator

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
)

// Fault is an injected misbehaviour of the gateway, queued by Inject: see
// fault.Fault. Of its gateway-specific fields this simulator reads Busy429.
type Fault = fault.Fault

// faultMatches reports whether f hits a request; path is relative to
// APIPrefix for gateway requests (api) and the full path for files. A Path
// starting with APIPrefix+"/" is compared with the full path of gateway
// requests.
func faultMatches(f Fault, method, path string, api bool) bool {
	if api && strings.HasPrefix(f.Path, APIPrefix+"/") {
		path = APIPrefix + path
	}
	return f.Matches(method, path, api)
}

// Inject queues a fault.
func (s *Simulator) Inject(f Fault) { s.faults.Add(f, f.Times) }

// ClearFaults removes every queued fault.
func (s *Simulator) ClearFaults() { s.faults.Clear() }

// PendingFaults returns how many queued faults still have matches left.
func (s *Simulator) PendingFaults() int { return s.faults.Len() }

// applyFault applies the first matching fault, if any. It reports whether the
// request was fully dealt with; when false the caller handles it normally.
// handle runs the normal handling (used by DropAfterCreate).
func (s *Simulator) applyFault(w http.ResponseWriter, r *http.Request, path string, api bool, handle func(http.ResponseWriter)) bool {
	f, ok := s.faults.Take(func(f Fault) bool { return faultMatches(f, r.Method, path, api) })
	if !ok {
		return false
	}
	var bodyLimit int64
	if f.Delay > 0 {
		s.mu.Lock()
		bodyLimit = s.maxUpload
		s.mu.Unlock()
	}
	return f.Effects(bodyLimit).Apply(w, r, func(w http.ResponseWriter) bool { return s.answerFault(w, f) }, handle)
}

// answerFault answers a Body or Status fault and reports whether f has one.
func (s *Simulator) answerFault(w http.ResponseWriter, f Fault) bool {
	if f.Body == "" && f.Status == 0 {
		return false
	}
	f.SetRetryAfter(w.Header())
	if f.Body != "" {
		fault.WriteBody(w, f.Status, "application/json; charset=utf-8", f.Body)
	} else {
		s.writeFaultStatus(w, f)
	}
	return true
}

// writeFaultStatus answers an injected status in the gateway's own shapes.
func (s *Simulator) writeFaultStatus(w http.ResponseWriter, f Fault) {
	switch f.Status {
	case http.StatusUnauthorized:
		writeError(w, f.Status, "Unauthorized")
	case http.StatusNotFound:
		writeError(w, f.Status, "Not found.")
	case http.StatusPreconditionFailed:
		writeJSON(w, f.Status, map[string]string{"error": noCreditsMessage})
	case http.StatusUnprocessableEntity:
		writeError(w, f.Status, moderatedPromptMessage)
	case http.StatusTooManyRequests:
		if f.Busy429 {
			s.mu.Lock()
			s.advanceLocked(s.now())
			body := s.busyAnswerLocked(s.email, s.maxJobs)
			s.mu.Unlock()
			writeJSON(w, f.Status, body)
		} else {
			writeJSON(w, f.Status, map[string]string{"error": runwayThrottleMessage})
		}
	default:
		msg := http.StatusText(f.Status)
		if msg == "" {
			msg = fmt.Sprintf("Error %d", f.Status)
		}
		writeError(w, f.Status, msg)
	}
}
