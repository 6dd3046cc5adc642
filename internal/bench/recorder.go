package bench

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/httpx"
)

// reqKind classifies gateway requests for the timeline.
type reqKind int

const (
	kindOther reqKind = iota
	kindCreate
	kindPoll
)

// reqEvent is one answered request.
type reqEvent struct {
	at     time.Time // when the answer was written
	kind   reqKind
	status int
}

// recorder is a middleware in front of the simulator that timestamps every
// answer, so that a run can be broken down (when the first create arrived,
// when capacity sat idle) beyond the simulator's counters.
type recorder struct {
	h      http.Handler
	mu     sync.Mutex
	events []reqEvent
}

func newRecorder(h http.Handler) *recorder { return &recorder{h: h} }

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := httpx.NewStatusWriter(w)
	rc.h.ServeHTTP(sw, r)
	ev := reqEvent{at: time.Now(), kind: classify(r), status: sw.Status()}
	rc.mu.Lock()
	rc.events = append(rc.events, ev)
	rc.mu.Unlock()
}

// Events returns a copy of the events so far.
func (rc *recorder) Events() []reqEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]reqEvent(nil), rc.events...)
}

func classify(r *http.Request) reqKind {
	rel, ok := strings.CutPrefix(r.URL.Path, simulator.APIPrefix)
	if !ok {
		return kindOther
	}
	rel = strings.TrimSuffix(rel, "/")
	switch {
	case r.Method == http.MethodPost && (rel == simulator.PathGen2Extend || rel == simulator.PathGen3Video || rel == simulator.PathGen3TurboExpand):
		return kindCreate
	case r.Method == http.MethodGet && strings.HasPrefix(rel, "/tasks/"):
		return kindPoll
	case r.Method == http.MethodGet && rel == "/tasks" && r.URL.Query().Has("taskId"):
		return kindPoll
	}
	return kindOther
}
