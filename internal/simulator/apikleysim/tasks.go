package apikleysim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Task states, in the order a task goes through them.
const (
	StateWait       = "wait"
	StateQueueing   = "queueing"
	StateGenerating = "generating"
	StateSuccess    = "success"
	StateFail       = "fail"
)

// Moderation: a prompt containing ModerationTrigger ends in StateFail with
// ModerationMessage, the gateway's documented wording.
const (
	ModerationTrigger = "moderate-me"
	ModerationMessage = "Your prompt was caught by our AI moderator. Please adjust it and try again!"
	// FailCode is the only documented failCode; the gateway sends it on
	// every answer, successful ones included.
	FailCode = 400
	// GenerateTimeLayout is the gateway's "YYYY-MM-DD HH:mm:ss" (no zone;
	// the simulator writes UTC).
	GenerateTimeLayout = "2006-01-02 15:04:05"
)

// Cost is the simulator's credit price of one task, a simple table since the
// gateway publishes none: 720p 5 s = 12, 720p 10 s = 30, 1080p 5 s = 30. An
// extension is priced as a 5 s task of its quality.
func Cost(quality string, duration int) int {
	switch {
	case quality == "1080p":
		return 30
	case duration == 10:
		return 30
	default:
		return 12
	}
}

// task is one generation or extension. Its state is derived from createdAt
// and the clock; final/finalState/completedAt are set once it ends.
type task struct {
	id, parentID string
	prompt       string
	imageURL     string
	aspectRatio  string
	quality      string
	waterMark    string
	callBackURL  string
	duration     int
	expandPrompt bool
	cost         int

	createdAt time.Time
	doneAt    time.Time // end of generation, unless held
	moderated bool

	final       bool
	finalState  string
	completedAt time.Time
	videoID     string

	expired   bool // forced by ExpireTask
	forgotten bool // ForgetTask: the gateway no longer knows it

	// scheme and host of the create request, for the URLs in callbacks.
	scheme, host string
	timer        *time.Timer
}

// callbackJob is a callback to send once the lock is released.
type callbackJob struct {
	url  string
	body []byte
}

// stateLocked reports the current state of t; call advanceLocked first.
func (g *Gateway) stateLocked(t *task, now time.Time) string {
	if t.final {
		return t.finalState
	}
	el := now.Sub(t.createdAt)
	switch {
	case el < g.opts.QueueDelay/2:
		return StateWait
	case el < g.opts.QueueDelay:
		return StateQueueing
	default:
		// Past doneAt while held (HoldTasks) stays here too.
		return StateGenerating
	}
}

// advanceLocked ends t if its time has come and returns the callback to send,
// if any. Because the end is computed from timestamps, it does not matter
// whether the timer or a request observes it first.
func (g *Gateway) advanceLocked(t *task, now time.Time) *callbackJob {
	if t.final || g.hold || now.Before(t.doneAt) {
		return nil
	}
	t.final = true
	t.completedAt = t.doneAt
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if t.moderated {
		t.finalState = StateFail
	} else {
		t.finalState = StateSuccess
		t.videoID = newUUID()
		g.videos[t.videoID] = t
	}
	if t.callBackURL == "" || g.closed || t.forgotten || !isLoopbackURL(t.callBackURL) {
		// Non-loopback callback URLs are never called: the simulator
		// must not reach anything outside the machine.
		return nil
	}
	cb := callbackPayload{Code: 200, Msg: "All generated successfully."}
	cb.Data.TaskID = t.id
	if t.finalState == StateFail {
		cb.Code, cb.Msg = FailCode, ModerationMessage
	} else {
		base := t.scheme + "://" + t.host + FilesPrefix + t.videoID
		cb.Data.VideoID = t.videoID
		cb.Data.VideoURL = base + ".mp4"
		cb.Data.ImageURL = base + ".png"
	}
	body, _ := json.Marshal(cb)
	return &callbackJob{url: t.callBackURL, body: body}
}

// callbackPayload is the documented callback body (snake_case keys).
type callbackPayload struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data struct {
		TaskID   string `json:"task_id"`
		VideoID  string `json:"video_id"`
		VideoURL string `json:"video_url"`
		ImageURL string `json:"image_url"`
	} `json:"data"`
}

// sweep advances every task and sends the callbacks that became due.
func (g *Gateway) sweep() {
	now := g.opts.Now()
	g.mu.Lock()
	var jobs []*callbackJob
	for _, t := range g.tasks {
		if job := g.advanceLocked(t, now); job != nil {
			jobs = append(jobs, job)
		}
	}
	g.startCallbacksLocked(jobs)
	g.mu.Unlock()
}

// startCallbacksLocked launches the callbacks; the WaitGroup is incremented
// under the lock so that Close cannot miss one.
func (g *Gateway) startCallbacksLocked(jobs []*callbackJob) {
	for _, job := range jobs {
		if g.closed {
			return
		}
		g.cbWG.Add(1)
		go g.sendCallback(job)
	}
}

// sendCallback POSTs one callback, once: the Apikley docs do not promise
// retries (kie.ai's do), so the simulator does not retry either.
//
// A callback outlives the request or timer that made it due, so it runs
// under the gateway's own context (cancelled by Close), not the caller's.
//
//nolint:contextcheck // detached from the caller on purpose, see above
func (g *Gateway) sendCallback(job *callbackJob) {
	defer g.cbWG.Done()
	ctx, cancel := context.WithTimeout(g.cbCtx, CallbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.url, bytes.NewReader(job.body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.opts.CallbackClient.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	g.mu.Lock()
	g.stats.Callbacks++
	g.mu.Unlock()
}

// armTimerLocked schedules the end of t so that its callback fires even when
// nobody polls. With a fake clock the timer may find the task not yet due;
// the next request then finishes it lazily.
func (g *Gateway) armTimerLocked(t *task, now time.Time) {
	if g.closed || t.final {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(max(t.doneAt.Sub(now), 0), g.sweep)
}

// isLoopbackURL reports whether u points at this machine (127.0.0.0/8, ::1
// or localhost), the only callback targets the simulator will call.
func isLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return false
	}
	host := p.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// taskDetail is the data of a record-detail answer, in the documented key
// order.
type taskDetail struct {
	TaskID        string        `json:"taskId"`
	ParentTaskID  string        `json:"parentTaskId"`
	GenerateParam generateParam `json:"generateParam"`
	State         string        `json:"state"`
	GenerateTime  string        `json:"generateTime"`
	VideoInfo     *videoInfo    `json:"videoInfo"`
	FailCode      int           `json:"failCode"`
	FailMsg       string        `json:"failMsg"`
	ExpireFlag    int           `json:"expireFlag"`
}

type generateParam struct {
	Prompt       string `json:"prompt"`
	ImageURL     string `json:"imageUrl"`
	ExpandPrompt bool   `json:"expandPrompt"`
}

type videoInfo struct {
	VideoID  string `json:"videoId"`
	TaskID   string `json:"taskId"`
	VideoURL string `json:"videoUrl"`
	ImageURL string `json:"imageUrl"`
}

// isExpiredLocked reports whether t's video is gone (retention over or
// forced by ExpireTask).
func (g *Gateway) isExpiredLocked(t *task, now time.Time) bool {
	if t.expired {
		return true
	}
	return t.final && !now.Before(t.completedAt.Add(g.opts.Retention))
}

// detailLocked renders t as the gateway would, with file URLs on the
// requested scheme and host.
func (g *Gateway) detailLocked(t *task, now time.Time, scheme, host string) taskDetail {
	d := taskDetail{
		TaskID:       t.id,
		ParentTaskID: t.parentID,
		GenerateParam: generateParam{
			Prompt:       t.prompt,
			ImageURL:     t.imageURL,
			ExpandPrompt: t.expandPrompt,
		},
		State:    g.stateLocked(t, now),
		FailCode: FailCode,
	}
	if g.isExpiredLocked(t, now) {
		d.ExpireFlag = 1
	}
	switch d.State {
	case StateSuccess:
		d.GenerateTime = t.completedAt.UTC().Format(GenerateTimeLayout)
		base := scheme + "://" + host + FilesPrefix + t.videoID
		d.VideoInfo = &videoInfo{VideoID: t.videoID, TaskID: t.id, VideoURL: base + ".mp4", ImageURL: base + ".png"}
	case StateFail:
		// generateTime stays "" on failure, as in the gateway's failure
		// example: it is the completion time of a video that never was.
		d.FailMsg = ModerationMessage
	}
	return d
}

// requestScheme is the scheme the client used, for absolute file URLs.
func requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// HoldTasks freezes (true) or releases (false) task completion: held tasks
// progress to "generating" and stay there. On release, tasks whose time has
// passed finish at the release instant.
func (g *Gateway) HoldTasks(hold bool) {
	now := g.opts.Now()
	g.mu.Lock()
	g.hold = hold
	if !hold {
		for _, t := range g.tasks {
			if !t.final && t.doneAt.Before(now) {
				t.doneAt = now
			}
			g.armTimerLocked(t, now)
		}
	}
	g.mu.Unlock()
	if !hold {
		g.sweep()
	}
}

// ExpireTask forces expireFlag=1 on a task: its files are no longer served
// and it can no longer be extended.
func (g *Gateway) ExpireTask(taskID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.tasks[taskID]; t != nil {
		t.expired = true
	}
}

// ForgetTask makes the gateway forget a task: record-detail answers code
// 404, extend of it answers 404, its files and callback are gone.
func (g *Gateway) ForgetTask(taskID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.tasks[taskID]; t != nil {
		t.forgotten = true
		if t.timer != nil {
			t.timer.Stop()
			t.timer = nil
		}
	}
}

// CompletedAt returns when a task reached success or fail.
func (g *Gateway) CompletedAt(taskID string) (time.Time, bool) {
	now := g.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.tasks[taskID]
	if t == nil {
		return time.Time{}, false
	}
	job := g.advanceLocked(t, now)
	if job != nil {
		g.startCallbacksLocked([]*callbackJob{job})
	}
	return t.completedAt, t.final
}

// TaskCost returns the credits charged for a task (0 for an unknown id or a
// seeded task).
func (g *Gateway) TaskCost(taskID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.tasks[taskID]; t != nil {
		return t.cost
	}
	return 0
}

// SeedTask creates an already successful 5 s 720p 16:9 generation of prompt,
// free of charge and not counted in Stats.Creates (it stands for history
// made before the test or demo started). It returns the task id. Its file
// URLs use the host of whichever request reads it; it sends no callback.
func (g *Gateway) SeedTask(prompt string) string {
	now := g.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	t := &task{
		id:          newUUID(),
		prompt:      prompt,
		aspectRatio: "16:9",
		quality:     "720p",
		duration:    5,
		createdAt:   now,
		doneAt:      now,
		final:       true,
		finalState:  StateSuccess,
		completedAt: now,
		videoID:     newUUID(),
	}
	g.tasks[t.id] = t
	g.videos[t.videoID] = t
	return t.id
}
