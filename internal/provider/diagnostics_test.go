package provider

import (
	"errors"
	"regexp"
	"testing"

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
		{"create, token rejected", true, false, diag.SeverityWarning,
			`task-1 was submitted and its credits are spent.*401.*does not prove that the task failed.*not tainted.*` +
				`last status \(RUNNING\).*terraform apply.*waits in place for this same task and submits nothing new.*outputs.*null`},
		{"create, task unknown", true, true, diag.SeverityWarning,
			`not tainted.*does not know the task.*next refresh reads it again.*only the apply after that would pay`},
		{"resumed wait", false, false, diag.SeverityError,
			`401.*task is kept.*last status \(RUNNING\).*nothing new was submitted.*terraform apply.*same task`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := waitFailedDiagnostic(lc, rejected, c.creating, c.notFound)
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
