package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// taskQuery is what a task data source is asked (a task id, whether to wait
// and for how long) and the id it answers.
type taskQuery struct {
	TaskID            types.String   `tfsdk:"task_id"`
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	ID                types.String   `tfsdk:"id"`
}

func (q *taskQuery) query() *taskQuery { return q }

// setID answers the task's full id as the gateway reports it, else the id
// asked for.
func (q *taskQuery) setID(reported string) {
	q.ID = q.TaskID
	if reported != "" {
		q.ID = types.StringValue(reported)
	}
}

// taskReport is a task data source's model: a taskQuery, and what the
// gateway says of the task.
type taskReport[T any] interface {
	query() *taskQuery
	report(ctx context.Context, task T) diag.Diagnostics
}

// readTaskDataSource is the Read of a task data source whose model is M:
// it reads (or waits for) the task the configuration names and reports it.
func readTaskDataSource[T any, M any, P interface {
	*M
	taskReport[T]
}](ctx context.Context, data *providerData, r taskReader, backend taskBackend[T], backendDiags diag.Diagnostics,
	req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = data.withMasking(ctx)
	m := P(new(M))
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	resp.Diagnostics.Append(backendDiags...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := m.query()
	task, ok := readTask(ctx, r, backend, q.TaskID.ValueString(), q.WaitForCompletion, q.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(m.report(ctx, task)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

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
