// Package fault is the fault injection both simulators share: the one Fault
// type their tests inject (simulator.Fault and apikleysim.Fault are aliases
// of it), which requests a fault hits and how many times (Rule, Queue), and
// the effects that do not depend on a gateway's answer shapes (Effects: a
// delay, a dropped connection, an answer thrown away after handling).
//
// Each simulator keeps only what differs: how it answers a fault that
// overrides the answer, in its gateway's shapes. It uses only the standard
// library.
package fault

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault is an injected misbehaviour of a simulated gateway. A simulator
// queues faults (Queue) and tries them in the order they were injected; the
// first one that matches a request applies to it (one fault per request) and
// is used up after Times matches. Faults apply before authentication, like a
// proxy in front of the gateway.
//
// Effects, in order: Delay (then, if nothing else applies, the request is
// handled normally); Drop (nothing handled, no answer); an answer override
// in the gateway's shape (Body, Status and the gateway-specific fields;
// nothing handled); DropAfterCreate (handled, then the answer is thrown
// away). Both simulators read the fields up to RetryAfter (Path and Status
// with the differences their comments give); each of the others is read by
// one gateway's simulator only and ignored by the other.
type Fault struct {
	// Method matches the request method, case-insensitively; "" matches
	// any.
	Method string
	// Path is a prefix of the request path; "" matches every API request
	// but never file downloads. The useapi.net simulator takes it after its
	// API prefix /v1/runwayml (e.g. "/gen3/video" or "/tasks/"), or as the
	// full path when it starts with "/v1/runwayml/"; "/files/" matches its
	// file downloads. The Apikley simulator compares it with the whole
	// request path (e.g. apikleysim.PathGenerate or apikleysim.FilesPrefix).
	Path string
	// Times is how many matching requests the fault hits; 0 means 1 and a
	// negative value means every matching request until the simulator's
	// ClearFaults.
	Times int

	// Delay holds the request this long first (or until the client gives
	// up: then nothing is handled and nobody is answered), then applies the
	// other effects or handles the request normally.
	Delay time.Duration
	// Drop closes the connection without answering or handling the
	// request.
	Drop bool
	// DropAfterCreate handles the request (a create really creates, charges
	// and is counted in the simulator's Stats.Creates) and then closes the
	// connection without answering: the client cannot know the outcome.
	DropAfterCreate bool

	// Body, when set, is answered verbatim as JSON with Status (default
	// 200) instead of handling the request: malformed, truncated, huge or
	// wrong-typed answers. The Apikley simulator counts the code of a Body
	// that happens to be an envelope in Stats.Codes.
	Body string
	// Status is the HTTP status of an overridden answer. Without Body, the
	// useapi.net simulator answers it with a body in its gateway's shape
	// (400/401/404/412/422/429/5xx...); the Apikley simulator answers an
	// envelope whose code is Code or, without Code, Status (e.g. 502 from a
	// proxy), and there a Status of 200 without Code overrides nothing.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header of an
	// overridden answer.
	RetryAfter string

	// Busy429 is read by the useapi.net simulator only: with Status 429 it
	// answers the "Account X is busy executing N tasks" form listing the
	// running tasks; otherwise a 429 is Runway's own {"error":"You have too
	// many tasks running or pending..."} form.
	Busy429 bool
	// Code is read by the Apikley simulator only: the envelope code of an
	// overridden answer, e.g. 429 (rate limited), 455 (maintenance) or 500,
	// inside HTTP 200 (or Status) as the gateway does. Nothing is
	// processed: no task is created, no credit charged.
	Code int
	// Msg is read by the Apikley simulator only: the envelope message of an
	// overridden answer; default the gateway's description of the code.
	Msg string
	// MessageKey is read by the Apikley simulator only: it answers the
	// overridden envelope's text under `message` instead of `msg`, as the
	// gateway's documented error schemas use both names.
	MessageKey bool
}

// Matches reports whether f hits a request with this method and path; api
// tells an API request from a file download (see Rule.Matches).
func (f Fault) Matches(method, path string, api bool) bool {
	return Rule{Method: f.Method, Path: f.Path}.Matches(method, path, api)
}

// Effects returns the gateway-independent effects of f; bodyLimit bounds
// how much of the request body a Delay reads first (Effects.BodyLimit).
func (f Fault) Effects(bodyLimit int64) Effects {
	return Effects{Delay: f.Delay, BodyLimit: bodyLimit, Drop: f.Drop, DropAfterHandling: f.DropAfterCreate}
}

// SetRetryAfter sets the Retry-After header of an overridden answer when f
// has a RetryAfter; a simulator calls it once it knows it overrides the
// answer, before writing it.
func (f Fault) SetRetryAfter(h http.Header) {
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
}

// Rule selects the requests a fault hits.
type Rule struct {
	// Method matches the request method, case-insensitively; "" matches
	// any.
	Method string
	// Path is a prefix of the request path; "" matches every API request
	// but never the others (file downloads).
	Path string
}

// Matches reports whether the rule hits a request with this method and
// path; api tells an API request from a file download.
func (r Rule) Matches(method, path string, api bool) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, method) {
		return false
	}
	if r.Path == "" {
		return api
	}
	return strings.HasPrefix(path, r.Path)
}

// Queue holds injected faults of type F in the order they were added. The
// first one that matches a request applies to it (one fault per request)
// and is used up after its number of times. The zero value is an empty
// queue; it is safe for concurrent use.
type Queue[F any] struct {
	mu    sync.Mutex
	items []*item[F]
}

type item[F any] struct {
	f    F
	left int // remaining matches; negative = until Clear
}

// Add queues f for times matching requests: 0 means 1 and a negative value
// means every matching request until Clear.
func (q *Queue[F]) Add(f F, times int) {
	if times == 0 {
		times = 1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, &item[F]{f: f, left: times})
}

// Clear removes every queued fault.
func (q *Queue[F]) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = nil
}

// Len returns how many queued faults still have matches left.
func (q *Queue[F]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Take returns the first queued fault for which match reports true and uses
// up one of its times, removing it when none are left. It reports false
// when no fault matches.
func (q *Queue[F]) Take(match func(F) bool) (F, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, it := range q.items {
		if !match(it.f) {
			continue
		}
		if it.left > 0 {
			it.left--
			if it.left == 0 {
				q.items = append(q.items[:i:i], q.items[i+1:]...)
			}
		}
		return it.f, true
	}
	var zero F
	return zero, false
}

// Effects are the gateway-independent effects of a fault on one request.
type Effects struct {
	// Delay holds the request this long first, or until the client gives
	// up (then nobody gets an answer and nothing is handled).
	Delay time.Duration
	// BodyLimit bounds how much of the request body is read before a
	// Delay (one byte more is read so the handler still sees an oversized
	// body as such).
	BodyLimit int64
	// Drop closes the connection without answering or handling.
	Drop bool
	// DropAfterHandling handles the request (a create really creates),
	// throws the answer away and closes the connection.
	DropAfterHandling bool
}

// Apply performs the effects on one request, in this order: Delay, Drop,
// answer (the gateway's own override of the answer, which reports whether
// it answered), DropAfterHandling (with handle, the normal handling). It
// reports whether the request has been dealt with; when false the caller
// handles it normally.
func (e Effects) Apply(w http.ResponseWriter, r *http.Request, answer func(http.ResponseWriter) bool, handle func(http.ResponseWriter)) bool {
	if e.Delay > 0 && !Hold(r, e.Delay, e.BodyLimit) {
		return true // the client is gone: nobody gets an answer
	}
	switch {
	case e.Drop:
		Drop(w)
	case answer != nil && answer(w):
	case e.DropAfterHandling:
		handle(&discardWriter{header: http.Header{}})
		Drop(w)
	default:
		return false
	}
	return true
}

// WriteBody answers body verbatim, as contentType, with status (default
// 200): the malformed, truncated or huge answers a fault can stand for.
func WriteBody(w http.ResponseWriter, status int, contentType, body string) {
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// Hold waits d and reports true, or reports false as soon as the client
// gives up. It reads the request body first (up to limit+1 bytes, then
// handed back to the handler): the server only notices a client hanging up,
// and cancels the request's context, once the body has been consumed.
func Hold(r *http.Request, d time.Duration, limit int64) bool {
	if r.Body != nil && r.Body != http.NoBody {
		data, _ := io.ReadAll(io.LimitReader(r.Body, limit+1))
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Drop closes the client connection without an answer. It hijacks the
// connection when it can (HTTP/1.x, through wrappers that Unwrap);
// otherwise (HTTP/2, recorders) it aborts the handler, which the server
// turns into a reset stream or closed connection.
func Drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// discardWriter swallows the answer of a request whose connection is then
// dropped.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
