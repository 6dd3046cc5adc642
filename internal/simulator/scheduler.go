package simulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The gateway's scheduler: the tasks useapi.net itself follows. A task is
// tracked from its create until it is final (or deleted); while tracked it
// is listed by GET /scheduler/ and occupies one of its account's maxJobs
// slots. DELETE /scheduler/{taskId} stops the tracking: the slot is free at
// once and no callback will be sent, but the generation carries on at
// Runway (it finishes, produces its artifact and stays charged).

// schedulerEntryJSON is an element of GET /scheduler/: the task id and the
// reply fields given at create (absent when not given).
type schedulerEntryJSON struct {
	TaskID   string  `json:"taskId"`
	ReplyURL *string `json:"replyUrl,omitempty"`
	ReplyRef *string `json:"replyRef,omitempty"`
}

// handleSchedulerList answers GET /scheduler/: every tracked task, of every
// account, in creation order. The endpoint takes no query parameters.
func (s *Simulator) handleSchedulerList(w http.ResponseWriter) {
	s.mu.Lock()
	s.advanceLocked(s.now())
	out := []schedulerEntryJSON{}
	for _, t := range s.order {
		if t.tracked {
			out = append(out, schedulerEntryJSON{TaskID: t.taskID, ReplyURL: t.replyURL, ReplyRef: t.replyRef})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleSchedulerDelete answers DELETE /scheduler/{taskId}: 404 when the
// task is not tracked (unknown, final, or already removed).
func (s *Simulator) handleSchedulerDelete(w http.ResponseWriter, id string) {
	s.answerFound(w, func(time.Time) (any, bool) {
		t, ok := s.tasks[id]
		if !ok || !t.tracked {
			return nil, false
		}
		t.tracked = false
		s.stats.Untracked++
		return successAnswer, true
	})
}

// trackedLocked returns the tasks occupying an account's slots.
func (s *Simulator) trackedLocked(email string) []*task {
	var out []*task
	for _, t := range s.active {
		if t.tracked && t.email == email {
			out = append(out, t)
		}
	}
	return out
}

// Tracked reports whether the gateway's scheduler still tracks a task.
func (s *Simulator) Tracked(taskID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(s.now())
	t, ok := s.tasks[taskID]
	return ok && t.tracked
}

// SetTaskStatus puts an unfinished task into status from now on, as when a
// task is cancelled in Runway's web app (which reports statuses the
// gateway does not document, such as CANCELED). The task stops running: it
// leaves its account's slots and the scheduler and never produces an
// artifact. It reports false for an unknown, deleted or final task.
func (s *Simulator) SetTaskStatus(taskID, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.advanceLocked(now)
	t, ok := s.lookupTaskLocked(taskID)
	if !ok || t.terminal || status == "" {
		return false
	}
	t.forced, t.forcedAt = status, now
	t.tracked = false
	t.held = false
	for i, a := range s.active {
		if a == t {
			s.active = append(s.active[:i], s.active[i+1:]...)
			break
		}
	}
	return true
}

// accountParam reads the optional `email` query parameter of the calls the
// gateway scopes to one account (asset list and upload, task list,
// features): the account it names, or the only account when it is absent.
// With several accounts configured it is required, as the gateway
// documents ("if you have multiple accounts configured, this parameter
// becomes required"): 400 in the gateway's error shape. An email that is no
// configured account answers 404 with the gateway's configuration message.
func (s *Simulator) accountParam(q url.Values) (email string, status int, msg string) {
	v := strings.TrimSpace(q.Get("email"))
	if v == "" {
		if len(s.accounts) > 1 {
			return "", http.StatusBadRequest, fmt.Sprintf("email is required when multiple accounts are configured (%d accounts)", len(s.accounts))
		}
		return s.email, 0, ""
	}
	a, ok := s.account(v)
	if !ok {
		return "", http.StatusNotFound, accountNotFoundMessage
	}
	return a, 0, ""
}
