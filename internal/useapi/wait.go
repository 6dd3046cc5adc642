package useapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// Defaults of WaitOptions. Runway advises polling no more often than every
// few seconds; MinInterval is the floor of the adaptive schedule, reached
// only when a completion is imminent.
const (
	DefaultMinPollInterval = time.Second
	DefaultMaxPollInterval = 30 * time.Second
)

// DefaultUnknownStatusPolls is WaitOptions.UnknownStatusPolls' default.
const DefaultUnknownStatusPolls = 3

// UnknownStatusError ends a wait whose task kept reporting a status the
// gateway does not document (PENDING, RUNNING, THROTTLED, SUCCEEDED and
// FAILED are the documented ones). Runway itself has more: a task cancelled
// in Runway's web app reports CANCELED (or CANCELLED), and never moves
// again, so waiting on would only run into the timeout. Callers treat it as
// a final failure; Status is the raw value.
type UnknownStatusError struct {
	TaskID string
	Status string
	// Polls is how many consecutive polls reported an unknown status.
	Polls int
}

func (e *UnknownStatusError) Error() string {
	return fmt.Sprintf("useapi: task %s reported the status %q, which the gateway does not document, on %d consecutive polls; "+
		"treated as final (a task cancelled in Runway's web app reports CANCELED)", e.TaskID, e.Status, e.Polls)
}

// completionMargin is how long after the predicted completion the poll is
// sent, so that the task has had time to flip to SUCCEEDED.
const completionMargin = 250 * time.Millisecond

// backoffFactor grows the interval when nothing better is known.
const backoffFactor = 1.5

// overdueFactor grows the interval while a task runs past its predicted
// completion; slower than backoffFactor because completion is imminent.
const overdueFactor = 1.25

// While the predicted completion is far, the planner sleeps only
// remainingFraction of the way and re-estimates, so that a progress rate
// that changes (progress curves are not always straight) costs an extra
// poll rather than a late notice. It jumps straight to the predicted
// completion once that is within finalHopMins × MinInterval, or within
// finalHopSpan × the time over which progress has been observed (a long
// observation makes a short extrapolation trustworthy).
const (
	remainingFraction = 0.6
	finalHopMins      = 3
	finalHopSpan      = 0.3
)

// WaitOptions tunes WaitForTask. The zero value is usable.
type WaitOptions struct {
	// MinInterval is the shortest wait between polls (default 1s).
	MinInterval time.Duration
	// MaxInterval is the longest wait between polls (default 30s), which
	// also bounds how late a completion can be noticed when the gateway
	// gives nothing to estimate from.
	MaxInterval time.Duration
	// OnPoll is called after every successful poll, e.g. to log progress
	// or to keep the last status for the caller's state.
	OnPoll func(t *Task)
	// Sleep waits between polls (tests); default: the client's Sleep, or a
	// context-aware timer.
	Sleep transport.SleepFunc
	// Now is the clock used to measure progress rates (tests).
	Now transport.NowFunc
	// UnknownStatusPolls is how many consecutive polls may report a status
	// the gateway does not document before the wait ends with an
	// *UnknownStatusError (default DefaultUnknownStatusPolls).
	UnknownStatusPolls int
	// Initial is the task as the caller last saw it, typically the create
	// answer. When set, the first poll is scheduled from it instead of
	// being sent at once (saving a poll that would only say PENDING); when
	// it is already terminal it is returned without polling.
	Initial *Task
}

// WaitForTask polls GET /tasks/{taskId} until the status is terminal
// (SUCCEEDED or FAILED) and returns the final task with a nil error even
// when it FAILED: deciding what a failure means is the caller's job.
//
// The schedule adapts to what the gateway reports, aiming to notice a
// completion within about a second while polling rarely: while the task
// waits (PENDING, THROTTLED) it sleeps estimatedTimeToStartSeconds when
// given; while RUNNING it measures the progress rate between polls,
// closes in on the predicted completion (re-estimating on the way while it
// is far off) and polls just after it; with nothing to go on
// it backs off gently from MinInterval towards MaxInterval. Every wait is
// clamped to [MinInterval, MaxInterval]. A status the gateway does not
// document is logged and polled again (backing off from MinInterval); once
// UnknownStatusPolls consecutive polls report one, the wait ends with that
// task and an *UnknownStatusError, which the caller reports as a failure.
//
// Transient poll failures (network errors, 5xx, 429, undecodable answers)
// are logged and waited out until ctx ends; 4xx answers such as 401 and
// 404 end the wait with that error. When ctx ends the last task seen (nil
// if none) is returned with an error wrapping ctx.Err(), so the caller can
// still record the last status.
func (c *Client) WaitForTask(ctx context.Context, taskID string, opts WaitOptions) (*Task, error) {
	if _, err := pathID("taskId", taskID); err != nil {
		return nil, err
	}
	minI, maxI := transport.WaitRange(opts.MinInterval, opts.MaxInterval, DefaultMinPollInterval, DefaultMaxPollInterval)
	sleep, now := opts.Sleep.Or(c.tr.Sleep), opts.Now.Or(time.Now)
	plan := &pollPlanner{min: minI, max: maxI}
	warned := map[string]bool{}
	unknownLimit := opts.UnknownStatusPolls
	if unknownLimit <= 0 {
		unknownLimit = DefaultUnknownStatusPolls
	}
	unknownRun := 0
	var last *Task

	stop := func(cause error) (*Task, error) {
		status := "none seen"
		if last != nil {
			status = last.Status
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			cause = ctxErr
		}
		return last, fmt.Errorf("useapi: stopped waiting for task %s (last status %s): %w", taskID, status, cause)
	}

	if opts.Initial != nil {
		last = opts.Initial
		if IsTerminal(last.Status) {
			return last, nil
		}
		if err := sleep(ctx, plan.next(last, now())); err != nil {
			return stop(err)
		}
	}

	errWait := minI
	for {
		if ctx.Err() != nil {
			return stop(ctx.Err())
		}
		t, err := c.GetTask(ctx, taskID)
		if err != nil {
			if ctx.Err() != nil {
				return stop(ctx.Err())
			}
			if fatalPollError(err) {
				return last, err
			}
			c.logf(ctx, transport.LevelWarn, "polling the task failed; will keep waiting", map[string]any{
				"task_id": taskID, "error": err.Error(), "delay_ms": errWait.Milliseconds(),
			})
			if serr := sleep(ctx, errWait); serr != nil {
				return stop(serr)
			}
			errWait = min(time.Duration(float64(errWait)*2), maxI)
			continue
		}
		errWait = minI
		last = t
		if opts.OnPoll != nil {
			opts.OnPoll(t)
		}
		if IsTerminal(t.Status) {
			return t, nil
		}
		if knownStatus(t.Status) {
			unknownRun = 0
		} else {
			unknownRun++
			if unknownRun >= unknownLimit {
				return t, &UnknownStatusError{TaskID: taskID, Status: t.Status, Polls: unknownRun}
			}
			if !warned[t.Status] {
				warned[t.Status] = true
				c.logf(ctx, transport.LevelWarn, "the gateway reported an unknown task status; polling again before treating it as final", map[string]any{
					"task_id": taskID, "status": t.Status, "polls_left": unknownLimit - unknownRun,
				})
			}
		}
		d := plan.next(t, now())
		fields := map[string]any{"task_id": taskID, "status": t.Status, "delay_ms": d.Milliseconds()}
		if p, ok := t.Progress(); ok {
			fields["progress"] = p
		}
		c.logf(ctx, transport.LevelDebug, "task not finished; next poll scheduled", fields)
		if err := sleep(ctx, d); err != nil {
			return stop(err)
		}
	}
}

// IsKnownStatus reports whether the gateway documents a task status.
func IsKnownStatus(s string) bool { return knownStatus(s) }

func knownStatus(s string) bool {
	switch s {
	case StatusPending, StatusRunning, StatusThrottled, StatusSucceeded, StatusFailed:
		return true
	}
	return false
}

// fatalPollError tells errors that waiting cannot cure (a 4xx answer, a
// missing token, an invalid id) from transient ones.
func fatalPollError(err error) bool {
	if errors.Is(err, ErrMissingToken) {
		return true
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		s := ae.StatusCode
		return s >= 400 && s < 500 && s != http.StatusRequestTimeout && s != http.StatusTooEarly && s != http.StatusTooManyRequests
	}
	return false
}

// pollPlanner decides how long to wait before the next poll. It is a pure
// function of the observations fed to next, so the schedule can be tested
// with a fake clock.
//
// While RUNNING it keeps "first seen" samples of each distinct progress
// value: the gateway reports progress in steps (e.g. "0.45"), so the time a
// value was first seen is the best available estimate of when the task
// reached it. From the rate between samples it predicts a window
// [lo, hi] in which the task finishes; the width of the window comes from
// the step size, read from the number of decimals the gateway sends.
type pollPlanner struct {
	min, max time.Duration
	status   string
	// gentle is the last interval of the no-estimate backoff (0: none yet).
	gentle time.Duration
	// first, prev and cur are the first, second-to-last and last distinct
	// progress values and when each was first seen; n counts them.
	first, prev, cur progressSample
	n                int
	// lastPoll is when the previous RUNNING poll was made.
	lastPoll time.Time
	// decimals is the largest number of decimals seen in progressRatio.
	decimals int
	// overdue grows while the task runs past its predicted window (e.g.
	// progress stuck at 1 while the video is finalised), so that such a
	// phase does not cost a poll every MinInterval.
	overdue time.Duration
}

type progressSample struct {
	p float64
	t time.Time
}

func (pl *pollPlanner) next(t *Task, now time.Time) time.Duration {
	if t.Status != pl.status {
		*pl = pollPlanner{min: pl.min, max: pl.max, status: t.Status}
	}
	switch t.Status {
	case StatusPending, StatusThrottled:
		if est, ok := t.EstimatedStart(); ok && est > 0 {
			return pl.clamp(est)
		}
		return pl.backoff()
	case StatusRunning:
		return pl.running(t, now)
	default:
		return pl.backoff()
	}
}

func (pl *pollPlanner) running(t *Task, now time.Time) time.Duration {
	p, ok := t.Progress()
	if !ok {
		return pl.backoff()
	}
	if pl.n > 0 && (p < pl.cur.p || now.Before(pl.cur.t)) {
		// Progress (or the clock) went backwards: start over.
		pl.n = 0
	}
	if p > 0 && p < 1 {
		pl.decimals = max(pl.decimals, progressDecimals(t.ProgressRatio))
	}
	if pl.n == 0 || p > pl.cur.p {
		reached := now
		if step := pl.step(); step > 0 && pl.n > 0 && pl.lastPoll.Before(now) {
			// The value was reached after the previous poll, and (since
			// the gateway rounds down) less than one step's worth of time
			// ago; take the middle of what is possible.
			gap := now.Sub(pl.lastPoll)
			if r := pl.rate(); r > 0 {
				gap = min(gap, time.Duration(step/r*float64(time.Second)))
			}
			reached = now.Add(-gap / 2)
		}
		s := progressSample{p: p, t: reached}
		if pl.n == 0 {
			pl.first = s
		}
		pl.prev, pl.cur = pl.cur, s
		pl.n++
	}
	pl.lastPoll = now

	rate := pl.rate()
	if rate <= 0 {
		if p >= 1 {
			return pl.overdueWait()
		}
		return pl.backoff()
	}
	step := pl.step()
	at := func(progress float64) time.Time {
		secs := (1 - progress) / rate
		if limit := 10 * pl.max.Seconds(); secs > limit {
			secs = limit
		}
		if secs < 0 {
			secs = 0
		}
		return pl.cur.t.Add(time.Duration(secs * float64(time.Second)))
	}
	lo, hi := at(pl.cur.p+step), at(pl.cur.p)
	switch {
	case !now.Before(hi.Add(completionMargin)):
		// Past the whole window and still running.
		return pl.overdueWait()
	case now.Before(lo):
		pl.overdue = 0
		d := lo.Sub(now)
		hop := max(finalHopMins*pl.min, time.Duration(finalHopSpan*float64(pl.cur.t.Sub(pl.first.t))))
		if d > hop {
			d = time.Duration(float64(d) * remainingFraction)
		} else {
			d += completionMargin
		}
		return pl.clamp(d)
	default:
		// Inside the window: the task may finish any moment.
		pl.overdue = 0
		return pl.clamp(hi.Sub(lo) / 4)
	}
}

// rate is the progress per second: the faster of the recent and the
// long-run rate, because predicting early costs an extra poll while
// predicting late costs latency.
func (pl *pollPlanner) rate() float64 {
	if pl.n < 2 {
		return 0
	}
	return max(rateBetween(pl.prev, pl.cur), rateBetween(pl.first, pl.cur))
}

// step is the progress resolution implied by the decimals seen: 0.1 for
// "0.4", 0.01 for "0.45"; 0 (continuous) when unknown or finer than 0.001.
func (pl *pollPlanner) step() float64 {
	switch pl.decimals {
	case 1:
		return 0.1
	case 2:
		return 0.01
	case 3:
		return 0.001
	}
	return 0
}

// progressDecimals counts the decimals in progressRatio as sent ("0.45" and
// 0.45 both give 2); continuousDecimals for exponent form or no value.
func progressDecimals(n FlexNumber) int {
	s := strings.Trim(strings.TrimSpace(string(n.Raw())), `"`)
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "eE") {
		return continuousDecimals
	}
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0
	}
	return min(len(s)-i-1, continuousDecimals)
}

// continuousDecimals marks progress sent with full float precision (or in
// exponent form): no step size can be inferred.
const continuousDecimals = 99

// overdueWait is used while the task runs past its predicted completion:
// the wait grows gently (x1.25) from MinInterval, trading a little latency
// for far fewer polls during a long finishing phase.
func (pl *pollPlanner) overdueWait() time.Duration {
	return pl.grow(&pl.overdue, overdueFactor)
}

// backoff grows the wait by backoffFactor from MinInterval to MaxInterval.
func (pl *pollPlanner) backoff() time.Duration {
	return pl.grow(&pl.gentle, backoffFactor)
}

// grow sets *last to the next wait of a schedule that starts at MinInterval
// (when *last is 0) and multiplies by factor, within [MinInterval,
// MaxInterval], and returns it.
func (pl *pollPlanner) grow(last *time.Duration, factor float64) time.Duration {
	if *last == 0 {
		*last = pl.min
	} else {
		*last = time.Duration(float64(*last) * factor)
	}
	*last = pl.clamp(*last)
	return *last
}

func (pl *pollPlanner) clamp(d time.Duration) time.Duration {
	if d < pl.min {
		return pl.min
	}
	if d > pl.max {
		return pl.max
	}
	return d
}

func rateBetween(a, b progressSample) float64 {
	dp := b.p - a.p
	dt := b.t.Sub(a.t).Seconds()
	if dp <= 0 || dt <= 0 {
		return 0
	}
	return dp / dt
}
