package provider

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// A wait that a gateway error ended says what happened to the paid task and
// what the next apply does: during a create a warning (nothing tainted, the
// next apply waits in place), during a resumed wait an error that keeps the
// task.
func TestWaitFailedDiagnostic(t *testing.T) {
	lc := &lifecycleFields{ID: types.StringValue("task-1"), Status: types.StringValue("RUNNING")}
	rejected := &useapi.APIError{StatusCode: 401, Message: "Unauthorized"}
	cases := []struct {
		name               string
		creating, notFound bool
		severity           diag.Severity
		detail             string
	}{
		{"create, token rejected", true, false, diag.SeverityError,
			`task-1 was submitted and its credits are spent.*401.*does not prove that the task failed.*` +
				`last status \(RUNNING\).*tainted.*plain .terraform apply. would replace it.*` +
				`terraform untaint runway_video\.<name>\n  terraform apply.*waits for it in place and submits nothing new`},
		{"create, task unknown", true, true, diag.SeverityError,
			`terraform untaint runway_video\.<name>.*does not know the task.*next refresh.*only the apply after that would pay`},
		{"resumed wait", false, false, diag.SeverityError,
			`401.*task is kept.*last status \(RUNNING\).*nothing new was submitted.*terraform apply.*same task`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := waitFailedDiagnostic("runway_video", lc, rejected, c.creating, c.notFound)
			if len(diags) != 1 || diags[0].Severity() != c.severity {
				t.Fatalf("diagnostics %v, want one of severity %v", diags, c.severity)
			}
			if re := regexp.MustCompile("(?s)" + c.detail); !re.MatchString(diags[0].Detail()) {
				t.Errorf("detail %q does not match %s", diags[0].Detail(), c.detail)
			}
		})
	}
	if got := lastStatus(&lifecycleFields{Status: types.StringNull()}); got != "not reported yet" {
		t.Errorf("lastStatus of a null status = %q", got)
	}
	if got := gatewayErrorDetail(errors.New("plain")); got != "plain" {
		t.Errorf("gatewayErrorDetail of a plain error = %q", got)
	}
}

// A timed out create tells how to resume the same task, and that the
// resumed wait is an update bounded by timeouts.update; a timed out update
// names timeouts.update too.
func TestWaitInterruptedDetailNamesTheResumedTimeout(t *testing.T) {
	lc := &lifecycleFields{ID: types.StringValue("task-1"), Status: types.StringValue("RUNNING")}
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	for _, c := range []struct {
		name     string
		creating bool
		want     string
	}{
		{"create", true, `task-1 is still RUNNING: the wait reached its timeout \(2s\).*terraform untaint runway_video\.<name>.*` +
			`terraform apply.*waits within timeouts\.update: raise it`},
		{"update", false, `task-1 is still RUNNING.*terraform apply. again.*raise timeouts\.update`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := waitInterruptedDetail("runway_video", lc, ctx, 2*time.Second, c.creating)
			if !regexp.MustCompile("(?s)" + c.want).MatchString(got) {
				t.Errorf("detail %q does not match %s", got, c.want)
			}
			if strings.Contains(got, "timeouts.create") {
				t.Errorf("detail names timeouts.create, which does not bound the resumed wait: %q", got)
			}
		})
	}
}

// A failed task: after a create, Terraform taints the resource; after a
// resumed wait nothing is tainted, and the way to pay again is -replace.
func TestTaskFailedDetail(t *testing.T) {
	created := taskFailedDetail("runway_video", "task-1", "moderated", true)
	if !regexp.MustCompile(`(?s)task-1 failed: moderated.*id is kept.*tainted: the next apply submits a new generation`).MatchString(created) {
		t.Errorf("create: %q", created)
	}
	resumed := taskFailedDetail("runway_video", "task-1", "moderated", false)
	if !regexp.MustCompile(`(?s)task-1 failed: moderated.*id is kept.*not tainted.*terraform apply -replace=runway_video\.<name>`).MatchString(resumed) ||
		strings.Contains(resumed, "marks the resource as tainted") {
		t.Errorf("update: %q", resumed)
	}
}
