// Package fault is the gateway-independent part of the simulators' fault
// injection: which requests a fault hits and how many times (Queue, Rule),
// and the effects that do not depend on a gateway's answer shapes (Effects:
// a delay, a dropped connection, an answer thrown away after handling).
//
// Each simulator keeps its own Fault type, with the answers in its gateway's
// shapes, and uses this package for the rest. It uses only the standard
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
