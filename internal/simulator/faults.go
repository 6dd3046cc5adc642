package simulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
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

type queuedFault struct {
	Fault
	left int // remaining matches; negative = unlimited
}

// Inject queues a fault.
func (s *Simulator) Inject(f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: left})
}

// ClearFaults removes every queued fault.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// PendingFaults returns how many queued faults still have matches left.
func (s *Simulator) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

func (f *Fault) matches(method, path string, api bool) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	switch {
	case f.Path == "":
		return api
	case api && strings.HasPrefix(f.Path, APIPrefix+"/"):
		return strings.HasPrefix(APIPrefix+path, f.Path)
	default:
		return strings.HasPrefix(path, f.Path)
	}
}

// takeFault pops the first fault matching the request.
func (s *Simulator) takeFault(method, path string, api bool) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if !q.matches(method, path, api) {
			continue
		}
		if q.left > 0 {
			q.left--
			if q.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return q.Fault, true
	}
	return Fault{}, false
}

// applyFault applies the first matching fault, if any. It reports whether the
// request was fully dealt with; when false the caller handles it normally.
// handle runs the normal handling (used by DropAfterCreate).
func (s *Simulator) applyFault(w *statusWriter, r *http.Request, path string, api bool, handle func(http.ResponseWriter)) bool {
	f, ok := s.takeFault(r.Method, path, api)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		// Read the body first: the server only notices a client hanging up
		// (and cancels the context) once the body has been consumed.
		if r.Body != nil && r.Body != http.NoBody {
			s.mu.Lock()
			limit := s.maxUpload
			s.mu.Unlock()
			data, _ := io.ReadAll(io.LimitReader(r.Body, limit+1))
			r.Body = io.NopCloser(bytes.NewReader(data))
		}
		timer := time.NewTimer(f.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			w.dropped = true // the client is gone: nobody gets an answer
			return true
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		s.writeFaultStatus(w, f)
	case f.DropAfterCreate:
		handle(&discardWriter{header: http.Header{}})
		dropConnection(w)
	default:
		return false // only a delay: handle normally
	}
	return true
}

// dropConnection closes the client connection without an answer. Without a
// hijackable connection (HTTP/2, recorders) it aborts the handler, which the
// server turns into a reset stream or closed connection.
func dropConnection(w *statusWriter) {
	w.dropped = true
	if conn, _, err := w.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
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
			body := s.busyAnswerLocked(s.maxJobs)
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

// discardWriter swallows the answer of a request whose connection is then
// dropped.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
