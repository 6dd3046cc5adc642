package simulator

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Task statuses the simulator produces. THROTTLED exists at the gateway but
// the simulator never enters it (the list filter still accepts it).
const (
	statusPending   = "PENDING"
	statusRunning   = "RUNNING"
	statusThrottled = "THROTTLED"
	statusSucceeded = "SUCCEEDED"
	statusFailed    = "FAILED"
)

// moderatedStopRatio is how far a "moderate-me" task gets before Runway's
// moderation fails it; the fixture of a moderated task shows progressRatio 0.4.
const moderatedStopRatio = 0.4

// task is one generation. Its phase is derived from timestamps: PENDING until
// runAt, RUNNING until endAt, then terminal. advanceLocked materialises the
// terminal transition (artifact asset, freed slot) at the computed instant.
type task struct {
	uuid, taskID string
	email        string // the account running it (the input asset's owner)
	path         string // create endpoint, e.g. "/gen2/extend"
	taskType     string // gen2, gen3a, gen3a_turbo
	name         string // task name; the artifact file is name+".mp4"
	optName      string // options.name
	created      time.Time
	runAt        time.Time
	endAt        time.Time
	dur          time.Duration // full RUNNING length (progress 0 -> 1)
	stopRatio    float64       // 1, or moderatedStopRatio for tasks that fail
	fail         bool
	held         bool
	terminal     bool
	status       string // only meaningful once terminal
	completedAt  time.Time
	gone         bool // deleted or forgotten: answers 404
	// tracked: the gateway's scheduler still follows the task (GET
	// /scheduler/ lists it and it counts against the account's maxJobs),
	// from its create until it is final, deleted, forced to another status
	// or removed with DELETE /scheduler/{taskId}.
	tracked bool
	// forced is a status set by SetTaskStatus (e.g. CANCELED), answered
	// from then on in place of the computed one.
	forced     string
	forcedAt   time.Time
	cost       int
	replyURL   *string
	replyRef   *string
	params     createParams
	outW, outH int
	outDur     time.Duration
	artifacts  []*asset
	// images is how many images an image task makes (0 for a video task).
	images int

	// firstTerminalPoll is when a GET of the task first answered with its
	// terminal status (zero until then), so that benchmarks can tell how
	// late a client noticed the completion.
	firstTerminalPoll time.Time
}

// phase returns the status, progress ratio (RUNNING only) and seconds left in
// the queue (PENDING only) of an unfinished task at now.
func (t *task) phase(now time.Time) (status string, progress, eta float64) {
	if now.Before(t.runAt) {
		return statusPending, 0, t.runAt.Sub(now).Seconds()
	}
	return statusRunning, t.progressAt(now), 0
}

// progressAt is the linear RUNNING progress, kept strictly below the point
// where the task would end so that a held task visibly stalls short of it.
func (t *task) progressAt(now time.Time) float64 {
	p := 0.99
	if t.dur > 0 {
		p = float64(now.Sub(t.runAt)) / float64(t.dur)
	}
	limit := math.Min(0.99, t.stopRatio-0.01)
	return math.Max(0, math.Min(p, limit))
}

// release resumes a held task from the progress it had reached.
func (t *task) release(now time.Time) {
	if !t.held {
		return
	}
	t.held = false
	if now.Before(t.runAt) {
		return
	}
	p := t.progressAt(now)
	t.runAt = now.Add(-time.Duration(p * float64(t.dur)))
	t.endAt = t.runAt.Add(time.Duration(t.stopRatio * float64(t.dur)))
}

// advanceLocked turns every task whose end instant has passed terminal, in
// the order they ended, so that artifacts appear in the asset list in the
// order they were produced.
func (s *Simulator) advanceLocked(now time.Time) {
	var done []*task
	keep := s.active[:0]
	for _, t := range s.active {
		if !t.held && !now.Before(t.endAt) {
			done = append(done, t)
		} else {
			keep = append(keep, t)
		}
	}
	clear(s.active[len(keep):])
	s.active = keep
	slices.SortStableFunc(done, func(a, b *task) int { return a.endAt.Compare(b.endAt) })
	for _, t := range done {
		s.finishLocked(t)
	}
}

func (s *Simulator) finishLocked(t *task) {
	t.terminal = true
	t.tracked = false
	t.completedAt = t.endAt
	if t.fail {
		t.status = statusFailed
		return
	}
	t.status = statusSucceeded
	if t.images > 0 {
		for i := range t.images {
			a := &asset{
				uuid: s.newUUID(), name: fmt.Sprintf("%s %d.png", t.name, i+1), mediaType: "image", contentType: "image/png",
				ext: "png", created: t.endAt, email: t.email, taskID: t.taskID, width: t.outW, height: t.outH, generated: true,
			}
			a.data = generatedPNG(t.outW, t.outH, i)
			s.addAssetLocked(a)
			t.artifacts = append(t.artifacts, a)
		}
		return
	}
	a := &asset{
		uuid:        s.newUUID(),
		name:        t.name + ".mp4",
		mediaType:   "video",
		contentType: "video/mp4",
		ext:         "mp4",
		created:     t.endAt,
		email:       t.email,
		taskID:      t.taskID,
		width:       t.outW,
		height:      t.outH,
		duration:    t.outDur.Seconds(),
		hasDuration: true,
		frameRate:   24,
		legacyMeta:  t.taskType == "gen2",
		generated:   true,
	}
	a.data = taskVideo(t)
	s.addAssetLocked(a)
	t.artifacts = []*asset{a}
}

// removeTaskLocked makes a task vanish (DELETE /tasks or ForgetTask).
func (s *Simulator) removeTaskLocked(t *task) {
	t.gone = true
	t.tracked = false
	s.active = slices.DeleteFunc(s.active, func(x *task) bool { return x == t })
}

// lookupTaskLocked returns a visible task by id.
func (s *Simulator) lookupTaskLocked(id string) (*task, bool) {
	t, ok := s.tasks[id]
	if !ok || t.gone {
		return nil, false
	}
	return t, true
}

// JSON shapes. Field order follows the gateway's documented examples (the
// fixtures in testdata/).

type taskJSON struct {
	TaskID                      string         `json:"taskId"`
	ID                          string         `json:"id"`
	Name                        string         `json:"name"`
	Image                       any            `json:"image"`
	CreatedAt                   string         `json:"createdAt"`
	UpdatedAt                   string         `json:"updatedAt"`
	TaskType                    string         `json:"taskType"`
	Options                     any            `json:"options"`
	Status                      string         `json:"status"`
	Error                       any            `json:"error"`
	ProgressText                any            `json:"progressText"`
	ProgressRatio               any            `json:"progressRatio"`
	EstimatedTimeToStartSeconds any            `json:"estimatedTimeToStartSeconds"`
	Artifacts                   []artifactJSON `json:"artifacts"`
	SharedAsset                 any            `json:"sharedAsset"`
}

// createAnswer is the 200 answer of a create endpoint: the task plus the
// account features, reply fields (null when not given) and code, exactly the
// keys of the documented examples (testdata/*_200.json). Only the create
// answer carries them: GET /tasks/{taskId} and the task list answer the
// bare task (taskJSON), as the gateway's documented examples do; replyUrl
// and replyRef can be read back only from GET /scheduler/ while the task
// is tracked.
type createAnswer struct {
	taskJSON
	Features featuresJSON `json:"features"`
	ReplyURL *string      `json:"replyUrl"`
	ReplyRef *string      `json:"replyRef"`
	Code     int          `json:"code"`
}

type featuresJSON struct {
	StorageGB               int `json:"storageGB"`
	NumPlanCreditsPermitted int `json:"numPlanCredits_permitted"`
	NumPlanCreditsUsed      int `json:"numPlanCredits_used"`
}

type artifactJSON struct {
	AssetID            string   `json:"assetId"`
	ID                 string   `json:"id"`
	CreatedAt          string   `json:"createdAt"`
	UpdatedAt          string   `json:"updatedAt"`
	UserID             int      `json:"userId"`
	CreatedBy          int      `json:"createdBy"`
	TaskID             string   `json:"taskId"`
	ParentAssetGroupID string   `json:"parentAssetGroupId"`
	Filename           string   `json:"filename"`
	URL                string   `json:"url"`
	FileSize           string   `json:"fileSize"`
	IsDirectory        bool     `json:"isDirectory"`
	PreviewURLs        []string `json:"previewUrls"`
	Private            bool     `json:"private"`
	PrivateInTeam      bool     `json:"privateInTeam"`
	Deleted            bool     `json:"deleted"`
	Reported           bool     `json:"reported"`
	Favorite           bool     `json:"favorite"`
	Metadata           any      `json:"metadata"`
}

// legacyMetadata is the older artifact metadata shape (used for gen2 tasks).
type legacyMetadata struct {
	FrameRate  int     `json:"frameRate"`
	Duration   float64 `json:"duration"`
	Dimensions [2]int  `json:"dimensions"`
	Size       struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	} `json:"size"`
}

// videoMetadata is the newer metadata shape (gen3 tasks, asset lists).
type videoMetadata struct {
	FrameRate       int     `json:"frameRate"`
	Duration        float64 `json:"duration"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`
	HasAlphaChannel bool    `json:"hasAlphaChannel"`
	HasAudio        bool    `json:"hasAudio"`
}

// taskErrorJSON is the error object of a task failed by moderation.
type taskErrorJSON struct {
	ErrorMessage       string `json:"errorMessage"`
	Reason             string `json:"reason"`
	Message            string `json:"message"`
	ModerationCategory string `json:"moderation_category"`
	TallyAsimov        bool   `json:"tally_asimov"`
}

var moderationError = taskErrorJSON{
	ErrorMessage:       "This task was moderated.",
	Reason:             "SAFETY.INPUT.TEXT",
	Message:            "Prompt flagged",
	ModerationCategory: "VIOLENCE",
	TallyAsimov:        false,
}

// renderTaskLocked builds the GET /tasks answer for t at now. URLs are
// absolute on base and freshly signed, as every read of the real CDN is.
func (s *Simulator) renderTaskLocked(t *task, now time.Time, base string) taskJSON {
	j := taskJSON{
		TaskID:    t.taskID,
		ID:        t.uuid,
		Name:      t.name,
		CreatedAt: timestamp(t.created),
		TaskType:  t.taskType,
		Options:   s.renderOptionsLocked(t, now, base),
		Artifacts: []artifactJSON{},
	}
	switch {
	case t.forced != "":
		// A status the gateway does not document (a task cancelled in
		// Runway's web app): no progress, no artifact.
		j.Status = t.forced
		j.UpdatedAt = timestamp(t.forcedAt)
	case t.terminal:
		j.Status = t.status
		j.UpdatedAt = timestamp(t.completedAt)
		if t.status == statusFailed {
			j.Error = moderationError
			// The fixture of a moderated task carries the last progress as a number.
			j.ProgressRatio = t.stopRatio
		} else {
			j.ProgressRatio = "1"
			for _, a := range t.artifacts {
				j.Artifacts = append(j.Artifacts, s.renderArtifactLocked(a, now, base))
			}
		}
	default:
		status, progress, eta := t.phase(now)
		j.Status = status
		if status == statusPending {
			j.UpdatedAt = timestamp(t.created)
			j.EstimatedTimeToStartSeconds = math.Round(eta*1000) / 1000
		} else {
			j.UpdatedAt = timestamp(now)
			j.EstimatedTimeToStartSeconds = 0
			j.ProgressRatio = formatProgress(progress)
		}
	}
	return j
}

// formatProgress writes a running progress the way the gateway does: a
// string holding a number with at most two decimals ("0.45").
func formatProgress(p float64) string {
	return strconv.FormatFloat(math.Floor(p*100+1e-9)/100, 'f', -1, 64)
}

func (s *Simulator) renderArtifactLocked(a *asset, now time.Time, base string) artifactJSON {
	var meta any
	if a.legacyMeta {
		m := legacyMetadata{FrameRate: a.frameRate, Duration: a.duration, Dimensions: [2]int{a.width, a.height}}
		m.Size.Width, m.Size.Height = a.width, a.height
		meta = m
	} else {
		meta = videoMetadata{FrameRate: a.frameRate, Duration: a.duration, Width: a.width, Height: a.height}
	}
	return artifactJSON{
		AssetID:            a.assetID,
		ID:                 a.uuid,
		CreatedAt:          timestamp(a.created),
		UpdatedAt:          timestamp(a.created),
		UserID:             s.userID,
		CreatedBy:          s.userID,
		TaskID:             a.taskID,
		ParentAssetGroupID: s.groupID,
		Filename:           a.name,
		URL:                s.signedURL(base, a.uuid, a.ext, now),
		FileSize:           strconv.Itoa(len(a.data)),
		PreviewURLs:        previewURLs(base, a),
		Private:            true,
		PrivateInTeam:      true,
		Metadata:           meta,
	}
}

// handleTaskGet answers GET /tasks/{taskId}.
func (s *Simulator) handleTaskGet(w http.ResponseWriter, r *http.Request, id string) {
	s.answerFound(w, func(now time.Time) (any, bool) {
		t, ok := s.lookupTaskLocked(id)
		if !ok {
			return nil, false
		}
		body := s.renderTaskLocked(t, now, baseURL(r))
		if t.terminal && t.firstTerminalPoll.IsZero() {
			t.firstTerminalPoll = now
		}
		return body, true
	})
}

// handleTaskDelete answers DELETE /tasks/{taskId}: the task leaves the
// account's history (and frees its slot); its artifact assets stay.
func (s *Simulator) handleTaskDelete(w http.ResponseWriter, id string) {
	s.answerFound(w, func(time.Time) (any, bool) {
		t, ok := s.lookupTaskLocked(id)
		if ok {
			s.removeTaskLocked(t)
			s.stats.Deletes++
		}
		return successAnswer, ok
	})
}

var successAnswer = map[string]any{"success": true, "code": 200}

// handleTaskQuery answers GET /tasks/?taskId= (one task) and
// GET /tasks/?offset=&limit=[&statuses=][&email=] (the account's tasks,
// newest first; email is required when several accounts are configured).
func (s *Simulator) handleTaskQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("taskId") {
		id := q.Get("taskId")
		if id == "" {
			writeError(w, http.StatusBadRequest, "taskId must not be empty")
			return
		}
		s.handleTaskGet(w, r, id)
		return
	}
	offset, msg := queryInt(q, "offset", 0, 1000)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	limit, msg := queryInt(q, "limit", 1, 1000)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	email, status, msg := s.accountParam(q)
	if msg != "" {
		writeError(w, status, msg)
		return
	}
	want := map[string]bool{}
	if v := q.Get("statuses"); v != "" {
		for _, st := range strings.Split(v, ",") {
			st = strings.ToUpper(strings.TrimSpace(st))
			switch st {
			case statusPending, statusRunning, statusThrottled, statusSucceeded, statusFailed:
				want[st] = true
			default:
				writeError(w, http.StatusBadRequest, "statuses must be a comma separated list of PENDING, RUNNING, THROTTLED, SUCCEEDED, FAILED")
				return
			}
		}
	}
	s.mu.Lock()
	now := s.now()
	s.advanceLocked(now)
	base := baseURL(r)
	var all []taskJSON
	for i := len(s.order) - 1; i >= 0; i-- {
		t := s.order[i]
		if t.gone || t.email != email {
			continue
		}
		j := s.renderTaskLocked(t, now, base)
		if len(want) > 0 && !want[j.Status] {
			continue
		}
		all = append(all, j)
	}
	s.mu.Unlock()
	out := []taskJSON{}
	if offset < len(all) {
		out = all[offset:min(len(all), offset+limit)]
	}
	writeJSON(w, http.StatusOK, out)
}
