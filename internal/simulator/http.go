package simulator

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/httpx"
)

// APIPrefix is the path under which the gateway's Runway API is mounted, as
// in https://api.useapi.net/v1/runwayml.
const APIPrefix = "/v1/runwayml"

// Create endpoints, relative to APIPrefix.
const (
	PathGen2Extend      = "/gen2/extend"
	PathGen3Video       = "/gen3/video"
	PathGen3TurboExpand = "/gen3turbo/expand"
)

// ServeHTTP serves the gateway under /v1/runwayml/ and the files under
// /files/. Every request is counted; non-2xx answers are counted by status.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := httpx.NewStatusWriter(w)
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()
	defer func() {
		if sw.Hijacked() {
			return
		}
		if st := sw.Status(); st < 200 || st > 299 {
			s.mu.Lock()
			s.stats.Rejected[st]++
			s.mu.Unlock()
		}
	}()

	path := r.URL.Path
	switch {
	case path == APIPrefix || strings.HasPrefix(path, APIPrefix+"/"):
		rel := strings.TrimPrefix(path, APIPrefix)
		s.countPoll(r, rel)
		if s.applyFault(sw, r, rel, true, func(w http.ResponseWriter) { s.route(w, r, rel) }) {
			return
		}
		s.route(sw, r, rel)
	case strings.HasPrefix(path, FilesPrefix):
		if s.applyFault(sw, r, path, false, func(w http.ResponseWriter) { s.serveFile(w, r) }) {
			return
		}
		s.serveFile(sw, r)
	default:
		writeError(sw, http.StatusNotFound, "Not found.")
	}
}

// countPoll counts GET /tasks/{id} and GET /tasks/?taskId= per task id,
// before faults apply: a poll costs the client whatever the answer.
func (s *Simulator) countPoll(r *http.Request, rel string) {
	if r.Method != http.MethodGet {
		return
	}
	id := ""
	if rel == "/tasks" || rel == "/tasks/" {
		id = r.URL.Query().Get("taskId")
	} else if strings.HasPrefix(rel, "/tasks/") {
		id = pathID(r, "/tasks/", rel)
	}
	if id == "" {
		return
	}
	s.mu.Lock()
	s.stats.Polls[id]++
	s.stats.TotalPolls++
	s.mu.Unlock()
}

// pathID extracts the id after prefix from the escaped path, so that ids
// holding escaped characters decode exactly once.
func pathID(r *http.Request, prefix, rel string) string {
	esc := r.URL.EscapedPath()
	if seg, ok := strings.CutPrefix(esc, APIPrefix+prefix); ok {
		if id, err := url.PathUnescape(seg); err == nil {
			return id
		}
	}
	return strings.TrimPrefix(rel, prefix)
}

func (s *Simulator) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.token)) == 1
}

// route dispatches an authenticated gateway request; rel is the path after
// APIPrefix.
func (s *Simulator) route(w http.ResponseWriter, r *http.Request, rel string) {
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	switch trimmed := strings.TrimSuffix(rel, "/"); {
	case trimmed == PathGen2Extend || trimmed == PathGen3Video || trimmed == PathGen3TurboExpand || trimmed == PathVideosCreate ||
		trimmed == PathVideosUpscale || trimmed == PathGen4Video || trimmed == PathGen4ActTwo || trimmed == PathImagesCreate:
		if !allowMethod(w, r, http.MethodPost) {
			return
		}
		s.handleCreate(w, r, trimmed)
	case trimmed == "/tasks":
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		s.handleTaskQuery(w, r)
	case strings.HasPrefix(rel, "/tasks/"):
		routeItem(w, r, "/tasks/", rel, s.handleTaskGet, s.handleTaskDelete)
	case trimmed == "/assets":
		if !allowMethod(w, r, http.MethodGet, http.MethodPost) {
			return
		}
		if r.Method == http.MethodGet {
			s.handleAssetList(w, r)
		} else {
			s.handleAssetUpload(w, r)
		}
	case strings.HasPrefix(rel, "/assets/"):
		routeItem(w, r, "/assets/", rel, s.handleAssetGet, s.handleAssetDelete)
	case trimmed == "/scheduler":
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		s.handleSchedulerList(w)
	case strings.HasPrefix(rel, "/scheduler/"):
		if !allowMethod(w, r, http.MethodDelete) {
			return
		}
		s.handleSchedulerDelete(w, pathID(r, "/scheduler/", rel))
	case trimmed == "/accounts" || strings.HasPrefix(rel, "/accounts/") || trimmed == "/features":
		s.routeAccounts(w, r, rel)
	default:
		writeError(w, http.StatusNotFound, "Not found.")
	}
}

// routeItem dispatches GET and DELETE of the object whose id follows
// prefix in the path (a task or an asset); other methods get 405.
func routeItem(w http.ResponseWriter, r *http.Request, prefix, rel string,
	get func(http.ResponseWriter, *http.Request, string), del func(http.ResponseWriter, string),
) {
	if !allowMethod(w, r, http.MethodGet, http.MethodDelete) {
		return
	}
	id := pathID(r, prefix, rel)
	if r.Method == http.MethodGet {
		get(w, r, id)
	} else {
		del(w, id)
	}
}

// answerFound answers a request for one object: under the lock, with the
// clock advanced to now, find reports the body to answer and whether the
// object exists; a missing one is answered 404 "Not found.".
func (s *Simulator) answerFound(w http.ResponseWriter, find func(now time.Time) (body any, ok bool)) {
	s.mu.Lock()
	now := s.now()
	s.advanceLocked(now)
	body, ok := find(now)
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func allowMethod(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeError(w, http.StatusMethodNotAllowed, "Method not allowed.")
	return false
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error","code":500}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers the gateway's error shape {"error":msg,"code":status}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg, Code: status})
}

type errorBody struct {
	Error string `json:"error"`
	Code  int    `json:"code"`
}
