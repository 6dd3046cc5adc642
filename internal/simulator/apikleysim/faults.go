package apikleysim

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
)

// Fault is an injected misbehaviour for the requests it matches: see
// fault.Fault. Of its gateway-specific fields this simulator reads Code, Msg
// and MessageKey.
type Fault = fault.Fault

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
	return g.faults.Take(func(f Fault) bool { return f.Matches(method, path, api) })
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
	answer := func(w http.ResponseWriter) bool { return g.answerFault(w, f) }
	return !f.Effects(maxBodyBytes).Apply(w, r, answer, func(w http.ResponseWriter) { g.route(w, r) })
}

// answerFault answers a Body or envelope (Code/Status) fault, with its
// RetryAfter, and reports whether f has one.
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
		f.SetRetryAfter(w.Header())
		fault.WriteBody(w, f.Status, "application/json", f.Body)
	case f.Code != 0 || (f.Status != 0 && f.Status != http.StatusOK):
		f.SetRetryAfter(w.Header())
		status, code := f.Status, f.Code
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
