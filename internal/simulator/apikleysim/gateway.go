// Package apikleysim is an in-memory simulator of Apikley's Runway API
// (https://api.apikley.ru, a kie.ai clone), served as an http.Handler.
//
// It answers the same paths with the same envelope ({"code","msg","data"}),
// business codes inside HTTP 200, request validation and JSON shapes as the
// documented gateway, runs every task on a clock derived from timestamps
// (wait -> queueing -> generating -> success|fail), serves the videos and
// covers it "generates", charges credits, sends completion callbacks to
// loopback URLs, and lets tests inject faults and read counters.
//
// The package is standard-library only so that tests, the demo command and
// benchmarks can all embed it without pulling the client or Terraform in.
package apikleysim

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
)

// Defaults applied by New to zero-valued Options fields.
const (
	// DefaultAPIKey is the bearer key the simulator accepts when
	// Options.APIKey is empty.
	DefaultAPIKey = "apikley-simulator-key"
	// DefaultTaskDuration is the time a task spends in "generating".
	DefaultTaskDuration = 3 * time.Second
	// DefaultCredits is the starting credit balance.
	DefaultCredits = 1000
	// DefaultRetention is how long a finished video stays downloadable; the
	// gateway documents 14 days, after which expireFlag turns 1.
	DefaultRetention = 14 * 24 * time.Hour
	// CallbackTimeout bounds one callback POST, as the gateway documents.
	CallbackTimeout = 15 * time.Second
)

// Paths answered by the simulator.
const (
	PathGenerate     = "/api/v1/runway/generate"
	PathExtend       = "/api/v1/runway/extend"
	PathRecordDetail = "/api/v1/runway/record-detail"
	PathCredit       = "/api/v1/chat/credit"
	// FilesPrefix is where the simulator serves generated videos
	// (<videoId>.mp4) and covers (<videoId>.png).
	FilesPrefix = "/apikley-files/"
)

// Options configures a Gateway. Every zero value means "use the default".
type Options struct {
	// APIKey is the only key accepted in "Authorization: Bearer <key>";
	// default DefaultAPIKey.
	APIKey string
	// TaskDuration is the time a task spends in "generating"; default
	// DefaultTaskDuration. A negative value means no generating time at all.
	TaskDuration time.Duration
	// QueueDelay is the time a task spends in "wait" (first half) then
	// "queueing" (second half) before "generating"; default TaskDuration/10.
	// A negative value means tasks start generating at once.
	QueueDelay time.Duration
	// Credits is the starting balance answered by GET /api/v1/chat/credit;
	// default DefaultCredits. A negative value starts at zero.
	Credits int
	// Retention is how long finished videos are kept (expireFlag 0 and files
	// served); default DefaultRetention.
	Retention time.Duration
	// Now is the simulator's clock; default time.Now. With a fake clock,
	// tasks still finish lazily on the next request, but the real-time
	// timers that fire callbacks without polling cannot know when the fake
	// clock reaches a deadline.
	Now func() time.Time
	// CallbackClient posts the completion callbacks; default a client with
	// a CallbackTimeout timeout.
	CallbackClient *http.Client
}

// Stats are counters that tests and benchmarks read, e.g. to prove that no
// create was sent twice or to measure polling cost.
type Stats struct {
	// Creates counts tasks actually created through the API (generate and
	// extend answered code 200), never rejected or faulted requests.
	Creates int
	// CreatesByPath splits Creates by request path.
	CreatesByPath map[string]int
	// Polls counts record-detail requests per requested task id.
	Polls map[string]int
	// TotalPolls is the sum of Polls.
	TotalPolls int
	// Callbacks counts callback POSTs that reached the receiver (any HTTP
	// answer); failed deliveries are not counted.
	Callbacks int
	// Requests counts every request that reached the handler.
	Requests int
	// Codes counts envelope codes answered (200, 401, 422, ... including
	// injected ones).
	Codes map[int]int
}

// Gateway is the simulated Apikley gateway. It is safe for concurrent use.
// Call Close when done to stop its timers and in-flight callbacks.
type Gateway struct {
	opts Options

	mu      sync.Mutex
	tasks   map[string]*task
	videos  map[string]*task // by videoId, for the file routes
	credits int
	hold    bool
	faults  fault.Queue[Fault] // has its own lock
	stats   Stats
	closed  bool

	// cbCtx is cancelled by Close so that callbacks in flight end at once.
	cbCtx    context.Context
	cbCancel context.CancelFunc
	cbWG     sync.WaitGroup
}

// New returns a Gateway configured by opts (see Options for defaults).
func New(opts Options) *Gateway {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	switch {
	case opts.TaskDuration == 0:
		opts.TaskDuration = DefaultTaskDuration
	case opts.TaskDuration < 0:
		opts.TaskDuration = 0
	}
	switch {
	case opts.QueueDelay == 0:
		opts.QueueDelay = opts.TaskDuration / 10
	case opts.QueueDelay < 0:
		opts.QueueDelay = 0
	}
	switch {
	case opts.Credits == 0:
		opts.Credits = DefaultCredits
	case opts.Credits < 0:
		opts.Credits = 0
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CallbackClient == nil {
		opts.CallbackClient = &http.Client{Timeout: CallbackTimeout}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Gateway{
		opts:     opts,
		tasks:    make(map[string]*task),
		videos:   make(map[string]*task),
		credits:  opts.Credits,
		cbCtx:    ctx,
		cbCancel: cancel,
		stats: Stats{
			CreatesByPath: make(map[string]int),
			Polls:         make(map[string]int),
			Codes:         make(map[int]int),
		},
	}
}

// Close stops the completion timers, cancels callbacks in flight and waits
// for them to return. The handler keeps answering afterwards (tasks still
// finish lazily), but no callback is sent any more. Close is idempotent.
func (g *Gateway) Close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	for _, t := range g.tasks {
		if t.timer != nil {
			t.timer.Stop()
			t.timer = nil
		}
	}
	g.mu.Unlock()
	g.cbCancel()
	g.cbWG.Wait()
}

// Stats returns a snapshot of the counters.
func (g *Gateway) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats
	s.CreatesByPath = maps.Clone(g.stats.CreatesByPath)
	s.Polls = maps.Clone(g.stats.Polls)
	s.Codes = maps.Clone(g.stats.Codes)
	return s
}

// ServeHTTP routes the gateway's API under /api/v1/ and the generated files
// under FilesPrefix.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.stats.Requests++
	g.mu.Unlock()
	f, faulted := g.takeFault(r.Method, r.URL.Path)
	// Every request advances the task clock first, so tasks finish (and
	// callbacks fire) even when the timers cannot, e.g. with a fake clock.
	g.sweep()

	if faulted && !g.applyFault(w, r, f) {
		return
	}
	g.route(w, r)
}

// route dispatches one request that no fault intercepted.
func (g *Gateway) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, FilesPrefix) {
		g.serveFile(w, r, strings.TrimPrefix(path, FilesPrefix))
		return
	}
	var method string
	var h func(http.ResponseWriter, *http.Request)
	switch path {
	case PathGenerate:
		method, h = http.MethodPost, g.handleGenerate
	case PathExtend:
		method, h = http.MethodPost, g.handleExtend
	case PathRecordDetail:
		method, h = http.MethodGet, g.handleRecordDetail
	case PathCredit:
		method, h = http.MethodGet, g.handleCredit
	default:
		g.writeEnvelope(w, http.StatusNotFound, 404, "Not Found: no such endpoint "+path, nil)
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		g.writeEnvelope(w, http.StatusMethodNotAllowed, 405, fmt.Sprintf("Method Not Allowed: use %s %s", method, path), nil)
		return
	}
	if !g.authorized(r) {
		// The documentation lists 401 among the business codes of the
		// HTTP 200 answer (like every other error code of this gateway),
		// so the simulator answers HTTP 200 with code 401 rather than an
		// HTTP 401. Clients must handle both; they key off the envelope.
		g.writeEnvelope(w, http.StatusOK, 401, "Unauthorized - authentication credentials are missing or invalid (send Authorization: Bearer <API key>)", nil)
		return
	}
	h(w, r)
}

// authorized checks the bearer key; the scheme is case-insensitive as in
// RFC 6750, the key is compared exactly.
func (g *Gateway) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, key, ok := strings.Cut(h, " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(key) == g.opts.APIKey
}

// envelope is the wrapper of every API answer.
type envelope struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data"`
}

// writeEnvelope answers {"code","msg","data"} with the given HTTP status and
// counts the envelope code.
func (g *Gateway) writeEnvelope(w http.ResponseWriter, httpStatus, code int, msg string, data any) {
	g.mu.Lock()
	g.stats.Codes[code]++
	g.mu.Unlock()
	b, err := json.Marshal(envelope{Code: code, Msg: msg, Data: data})
	if err != nil {
		// Only simulator-built values are encoded here; a failure is a
		// programming error worth surfacing loudly in tests.
		panic(fmt.Sprintf("apikleysim: encoding answer: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(b)
}

// newUUID returns a random (version 4) UUID, the format of the gateway's
// task ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
