package apikleysim

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
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
	// MessageKey answers the overridden envelope's text under `message`
	// instead of `msg`: the gateway's documented error schemas use both
	// names.
	MessageKey bool
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
func (g *Gateway) Inject(f Fault) { g.faults.Add(f, f.Times) }

// ClearFaults removes every injected fault.
func (g *Gateway) ClearFaults() { g.faults.Clear() }

// takeFault returns the first fault matching the request and uses up one of
// its Times. Path is matched against the whole request path; only file
// downloads (under FilesPrefix) are not API requests.
func (g *Gateway) takeFault(method, path string) (Fault, bool) {
	api := !strings.HasPrefix(path, FilesPrefix)
	return g.faults.Take(func(f Fault) bool {
		return fault.Rule{Method: f.Method, Path: f.Path}.Matches(method, path, api)
	})
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
func (g *Gateway) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	fx := fault.Effects{Delay: f.Delay, BodyLimit: maxBodyBytes, Drop: f.Drop, DropAfterHandling: f.DropAfterCreate}
	answer := func(w http.ResponseWriter) bool { return g.answerFault(w, f) }
	return !fx.Apply(w, r, answer, func(w http.ResponseWriter) { g.route(w, r) })
}

// answerFault answers a Body or envelope (Code/HTTPStatus) fault and reports
// whether f has one.
func (g *Gateway) answerFault(w http.ResponseWriter, f Fault) bool {
	switch {
	case f.Body != "":
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
		fault.WriteBody(w, f.HTTPStatus, "application/json", f.Body)
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
		if f.MessageKey {
			g.mu.Lock()
			g.stats.Codes[code]++
			g.mu.Unlock()
			b, _ := json.Marshal(map[string]any{"code": code, "message": msg, "data": nil})
			fault.WriteBody(w, status, "application/json", string(b))
			return true
		}
		g.writeEnvelope(w, status, code, msg, nil)
	default:
		return false
	}
	return true
}
