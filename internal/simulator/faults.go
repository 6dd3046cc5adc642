package simulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
)

// Fault is an injected misbehaviour of the gateway. Faults are queued by
// Inject and tried in order; the first one that matches a request applies to
// it (one fault per request) and is used up after Times matches.
//
// Effects, in order: Delay (then, if nothing else is set, the request is
// handled normally); Drop (nothing handled, no answer); Body (answered
// verbatim, nothing handled); Status (an error answer in the gateway's shape,
// nothing handled); DropAfterCreate (handled — a create really creates and
// charges — then the connection is closed without the answer).
//
// Faults apply before authentication, like a proxy in front of the gateway.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path is a prefix of the path after /v1/runwayml, e.g. "/gen3/video" or
	// "/tasks/" ("" matches every gateway request, never files). A prefix
	// starting with "/files/" matches file downloads instead.
	Path string
	// Times is how many matching requests the fault affects; 0 means 1 and a
	// negative value means every matching request until ClearFaults.
	Times int
	// Status answers this status with a body in the gateway's shape
	// (400/401/404/412/422/429/5xx...).
	Status int
	// Busy429, with Status 429, answers the "Account X is busy executing N
	// tasks" form listing the running tasks; otherwise a 429 is Runway's own
	// {"error":"You have too many tasks running or pending..."} form.
	Busy429 bool
	// RetryAfter, when set, is sent as the Retry-After header of a Status or
	// Body answer.
	RetryAfter string
	// Delay holds the request this long first (or until the client gives up).
	Delay time.Duration
	// Drop hijacks and closes the connection without answering or handling.
	Drop bool
	// DropAfterCreate handles the request (a create's task exists and is
	// counted in Creates) and then closes the connection without answering.
	DropAfterCreate bool
	// Body is answered verbatim as application/json with Status (default
	// 200) instead of handling the request: malformed, truncated, huge or
	// wrong-typed JSON.
	Body string
}

// matches reports whether f hits a request; path is relative to APIPrefix
// for gateway requests (api) and the full path for files. A Path starting
// with APIPrefix+"/" is compared with the full path of gateway requests.
func (f *Fault) matches(method, path string, api bool) bool {
	rule := fault.Rule{Method: f.Method, Path: f.Path}
	if api && strings.HasPrefix(f.Path, APIPrefix+"/") {
		path = APIPrefix + path
	}
	return rule.Matches(method, path, api)
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
	f, ok := s.faults.Take(func(f Fault) bool { return f.matches(r.Method, path, api) })
	if !ok {
		return false
	}
	fx := fault.Effects{Delay: f.Delay, Drop: f.Drop, DropAfterHandling: f.DropAfterCreate}
	if f.Delay > 0 {
		s.mu.Lock()
		fx.BodyLimit = s.maxUpload
		s.mu.Unlock()
	}
	return fx.Apply(w, r, func(w http.ResponseWriter) bool { return s.answerFault(w, f) }, handle)
}

// answerFault answers a Body or Status fault and reports whether f has one.
func (s *Simulator) answerFault(w http.ResponseWriter, f Fault) bool {
	switch {
	case f.Body != "":
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		fault.WriteBody(w, f.Status, "application/json; charset=utf-8", f.Body)
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		s.writeFaultStatus(w, f)
	default:
		return false
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
