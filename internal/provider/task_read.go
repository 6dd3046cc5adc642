package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// taskReader names a gateway's tasks in the task data sources' diagnostics.
type taskReader struct {
	gateway    string // "Runway", "Apikley"
	statusWord string // what the gateway calls a task's status
}

// read fetches one task through the engine's backend, or waits for it to
// finish within timeouts.read when wait is set. A failed task is not an
// error here: the caller exposes its status.
func readTask[T any](ctx context.Context, r taskReader, backend taskBackend[T], id string, wait types.Bool, to timeouts.Value, diags *diag.Diagnostics) (T, bool) {
	var task T
	var err error
	if wait.ValueBool() {
		timeout, d := to.Read(ctx, defaultTaskReadTimeout)
		diags.Append(d...)
		if diags.HasError() {
			return task, false
		}
		waitCtx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var none T
		task, err = backend.wait(waitCtx, id, none, func(t T) {
			tflog.Debug(ctx, r.gateway+" task polled", map[string]any{"task_id": id, r.statusWord: backend.status(t)})
		})
		if err != nil && waitCtx.Err() != nil && ctx.Err() == nil {
			last := backend.status(task)
			if last == "" {
				last = "not read yet"
			}
			diags.AddError("Timed out waiting for "+r.gateway+" task",
				fmt.Sprintf("Task %s did not finish within %s (last %s: %s). Raise timeouts.read, or read it without wait_for_completion.",
					id, timeout, r.statusWord, last))
			return task, false
		}
	} else {
		task, err = backend.get(ctx, id)
	}
	if err != nil {
		summary := "Reading " + r.gateway + " task " + id + " failed"
		if errors.Is(err, context.Canceled) {
			summary = "Reading " + r.gateway + " task " + id + " was interrupted"
		}
		diags.Append(gatewayErrorDiagnostic(summary, err)...)
		return task, false
	}
	return task, true
}
