package apikley

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// Defaults of WaitOptions.
const (
	DefaultMinPollInterval = 2 * time.Second
	DefaultMaxPollInterval = 30 * time.Second
	// DefaultPollGrowth stretches the interval by 25% per poll that saw no
	// change: tasks take minutes, so polls thin out while nothing happens
	// and tighten again on every state change.
	DefaultPollGrowth = 1.25
	// maxDecodeFailures is how many unreadable answers in a row WaitForTask
	// tolerates (a proxy's error page during a blip) before giving up.
	maxDecodeFailures = 3
)

// WaitOptions tune WaitForTask. Zero fields take the defaults.
type WaitOptions struct {
	// MinInterval is the first interval between polls and the interval
	// after every state change (default DefaultMinPollInterval).
	MinInterval time.Duration
	// MaxInterval caps the interval (default DefaultMaxPollInterval).
	MaxInterval time.Duration
	// Growth multiplies the interval after each poll without a state change
	// (default DefaultPollGrowth; values below 1 mean 1).
	Growth float64
	// OnPoll, if set, sees every detail read, e.g. to record progress
	// before the wait ends.
	OnPoll func(*TaskDetail)
}

func (o WaitOptions) withDefaults() WaitOptions {
	o.MinInterval, o.MaxInterval = transport.WaitRange(o.MinInterval, o.MaxInterval, DefaultMinPollInterval, DefaultMaxPollInterval)
	if o.Growth == 0 {
		o.Growth = DefaultPollGrowth
	}
	if o.Growth < 1 {
		o.Growth = 1
	}
	return o
}

// WaitForTask polls a task until its state is success or fail and returns
// the final detail (a failed task is a detail, not an error: the caller
// reports FailMsg). Every other state, known or not, keeps it waiting.
//
// Transient trouble (rate limiting, maintenance, server errors, lost
// connections, a few unreadable answers) is logged and waited out; an
// answer that will not change by waiting (unknown task, bad key) is
// returned at once. When ctx ends, it returns the last detail seen (nil if
// none) and an error wrapping ctx.Err(), so the caller can keep the task id
// and tell the user the task is still running.
func (c *Client) WaitForTask(ctx context.Context, taskID string, opts WaitOptions) (*TaskDetail, error) {
	opts = opts.withDefaults()
	interval := opts.MinInterval
	var last *TaskDetail
	lastState := ""
	decodeFailures := 0
	warnedUnknown := map[string]bool{}
	stopped := func(err error) (*TaskDetail, error) {
		state := "not read yet"
		if last != nil {
			state = last.State
		}
		return last, fmt.Errorf("apikley: stopped waiting for task %s (last state: %s): %w", taskID, state, err)
	}
	for {
		d, err := c.GetTask(ctx, taskID)
		switch {
		case err == nil:
			decodeFailures = 0
			last = d
			if opts.OnPoll != nil {
				opts.OnPoll(d)
			}
			if d.IsTerminal() {
				return d, nil
			}
			if !IsKnownState(d.State) && !warnedUnknown[d.State] {
				warnedUnknown[d.State] = true
				c.warn(ctx, "apikley: unknown task state, treating it as unfinished", map[string]any{
					"task_id": taskID, "state": d.State,
				})
			}
			if d.State != lastState {
				lastState, interval = d.State, opts.MinInterval
			} else {
				interval = min(opts.MaxInterval, time.Duration(float64(interval)*opts.Growth))
			}
		case ctx.Err() != nil:
			return stopped(ctx.Err())
		case !transientWaitError(err, &decodeFailures):
			return last, err
		default:
			c.warn(ctx, "apikley: polling failed, will retry", map[string]any{
				"task_id": taskID, "error": err.Error(),
			})
		}
		// ±10% jitter so that many waits started together spread out.
		wait := time.Duration(float64(interval) * (0.9 + 0.2*c.tc.Jitter()))
		if err := c.tc.Sleep(ctx, wait); err != nil {
			return stopped(ctxErrOr(ctx, err))
		}
	}
}

// transientWaitError reports errors worth waiting out: the gateway's
// transient codes (already retried by GetTask), HTTP 5xx without an
// envelope, transport failures, and up to maxDecodeFailures unreadable
// answers in a row.
func transientWaitError(err error, decodeFailures *int) bool {
	var de *DecodeError
	if errors.As(err, &de) {
		*decodeFailures++
		return *decodeFailures < maxDecodeFailures
	}
	if ae, ok := asAPIError(err); ok {
		return retryableRead(ae.Code) || ae.HTTPStatus == 429 || (ae.HTTPStatus >= 500 && ae.HTTPStatus != 501)
	}
	var ie *InvalidRequestError
	return !errors.As(err, &ie)
}
