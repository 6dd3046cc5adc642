package useapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// ScheduledTask is an element of GET /scheduler/: a task useapi.net itself
// still tracks (started through the gateway and not final yet), with the
// reply fields given at its create. The scheduler is the only place the
// gateway reports replyUrl and replyRef after the create answer: GET
// /tasks/{taskId} does not carry them.
type ScheduledTask struct {
	// TaskID is the task's full id.
	TaskID string `json:"taskId"`
	// ReplyURL and ReplyRef are "" when the create gave none.
	ReplyURL string `json:"replyUrl,omitempty"`
	ReplyRef string `json:"replyRef,omitempty"`
}

// ListScheduled reads GET /scheduler/: every task the gateway tracks, on
// every configured account (the endpoint takes no parameters). Tasks
// started in Runway's web app are not listed.
func (c *Client) ListScheduled(ctx context.Context) ([]ScheduledTask, error) {
	const path = "/scheduler/"
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, idempotent: true})
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if bytes.Equal(b, []byte("null")) {
		return []ScheduledTask{}, nil
	}
	if len(b) == 0 || b[0] != '[' {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, errors.New("expected a JSON array"))
	}
	var out []ScheduledTask
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, err)
	}
	return out, nil
}

// StopTracking removes a task from the gateway's scheduler (DELETE
// /scheduler/{taskId}). It is the closest thing to a cancel the gateway
// has, and it is not one: the generation carries on at Runway and its
// credits are spent. What it does is free the task's maxJobs slot at once
// and stop the replyUrl callback. A task the gateway does not track (final,
// started elsewhere, already removed) answers 404: IsNotFound.
func (c *Client) StopTracking(ctx context.Context, taskID string) error {
	seg, err := pathID("taskId", taskID)
	if err != nil {
		return err
	}
	return c.delete(ctx, "/scheduler/"+seg, taskID)
}
