package apikleysim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault is an injected misbehaviour for the requests it matches. Effects
// combine in this order: Delay, then Drop (nothing processed), then an
// answer override (HTTPStatus/Code/Body, nothing processed), else the
// request is processed normally and, with DropAfterCreate, its answer is
// thrown away by closing the connection.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path is a prefix of the request path, e.g. PathGenerate or
	// FilesPrefix; "" matches every API request (never file downloads).
	Path string
	// Times is how many matching requests the fault hits; 0 means 1 and a
	// negative value means every matching request until ClearFaults (the
	// same convention as the useapi simulator's faults).
	Times int
	// HTTPStatus is the HTTP status of an overridden answer; default 200
	// when Code is set. A status other than 200 without Code answers an
	// envelope whose code equals the status (e.g. 502 from a proxy).
	HTTPStatus int
	// Code is the envelope code of an overridden answer, e.g. 429 (rate
	// limited), 455 (maintenance) or 500, inside HTTP 200 as the gateway
	// does. Nothing is processed: no task is created, no credit charged.
	Code int
	// Msg is the envelope message of an overridden answer; default a
	// description of Code.
	Msg string
	// Drop closes the connection without answering and without processing
	// the request.
	Drop bool
	// DropAfterCreate processes the request (a create really creates and
	// charges) and then closes the connection without answering: the
	// client cannot know the outcome.
	DropAfterCreate bool
	// Delay holds the request this long first (or until the client gives
	// up), then applies the other effects or processes it normally.
	Delay time.Duration
	// Body, when set, is answered verbatim (with HTTPStatus, default 200)
	// instead of an envelope: malformed, truncated or huge answers.
	Body string
}

// Inject adds a fault; faults are tried in the order they were injected
// and the first match applies (one fault per request). Faults apply before
// authentication, like a proxy in front of the gateway.
func (g *Gateway) Inject(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, &f)
}

// ClearFaults removes every injected fault.
func (g *Gateway) ClearFaults() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = nil
}

// takeFaultLocked returns a copy of the first fault matching the request and
// uses up one of its Times.
func (g *Gateway) takeFaultLocked(method, path string) *Fault {
	for i, f := range g.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.Path == "" && strings.HasPrefix(path, FilesPrefix) || !strings.HasPrefix(path, f.Path) {
			continue
		}
		hit := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				g.faults = append(g.faults[:i:i], g.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

// defaultFaultMsg describes an injected envelope code with the gateway's
// documented wording.
func defaultFaultMsg(code int) string {
	switch code {
	case 401:
		return "Unauthorized - Authentication credentials are missing or invalid"
	case 402:
		return "Insufficient credits"
	case 404:
		return "Not Found - The requested resource or endpoint does not exist"
	case 408:
		return "Upstream has produced no result for over 10 minutes"
	case 422:
		return "Validation Error - The request parameters failed validation checks"
	case 429:
		return "Rate Limited - Request limit has been exceeded for this resource"
	case 451:
		return msgImageFetch
	case 455:
		return "Service Unavailable - System is currently undergoing maintenance"
	case 500:
		return "Server Error - An unexpected error occurred while processing the request"
	default:
		return http.StatusText(code)
	}
}

// applyFault performs f and reports whether the request should still be
// routed normally.
func (g *Gateway) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		// Read the body first: net/http only notices that the client went
		// away (and cancels r.Context) once the body has been consumed.
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
		return false
	case f.Body != "":
		status := f.HTTPStatus
		if status == 0 {
			status = http.StatusOK
		}
		// Count the code if the body happens to be an envelope, so that
		// Stats.Codes reflects what the client was told.
		var env struct {
			Code *int `json:"code"`
		}
		if json.Unmarshal([]byte(f.Body), &env) == nil && env.Code != nil {
			g.mu.Lock()
			g.stats.Codes[*env.Code]++
			g.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return false
	case f.Code != 0 || (f.HTTPStatus != 0 && f.HTTPStatus != http.StatusOK):
		status, code := f.HTTPStatus, f.Code
		if status == 0 {
			status = http.StatusOK
		}
		if code == 0 {
			code = status
		}
		msg := f.Msg
		if msg == "" {
			msg = defaultFaultMsg(code)
		}
		g.writeEnvelope(w, status, code, msg, nil)
		return false
	case f.DropAfterCreate:
		rec := &discardWriter{header: make(http.Header)}
		g.route(rec, r)
		dropConnection(w)
		return false
	}
	return true
}

// dropConnection closes the client's connection without an answer. It
// hijacks the connection when it can (HTTP/1.x); otherwise it aborts the
// handler, which resets the stream.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// discardWriter swallows an answer that will never be sent.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
