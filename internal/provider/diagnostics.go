package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tfrunway/terraform-provider-runway/internal/apikley"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// hintedError is an error of either gateway's client that knows what the
// user should do about it (*useapi.APIError, *apikley.APIError).
type hintedError interface {
	error
	Hint() string
}

var (
	_ hintedError = (*useapi.APIError)(nil)
	_ hintedError = (*apikley.APIError)(nil)
)

// gatewayErrorDiagnostic shows a gateway's message verbatim plus what to do,
// for both gateways.
func gatewayErrorDiagnostic(summary string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	detail := err.Error()
	var hinted hintedError
	if errors.As(err, &hinted) {
		detail = hinted.Error()
		if hint := hinted.Hint(); hint != "" {
			detail += "\n\n" + hint
		}
	}
	diags.AddError(summary, detail)
	return diags
}

// isOutcomeUnknown reports whether a create's fate is unknown: both
// clients report it as a *transport.OutcomeUnknownError.
func isOutcomeUnknown(err error) bool {
	var unknown *transport.OutcomeUnknownError
	return errors.As(err, &unknown)
}

func waitInterruptedSummary(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "Timed out waiting for the Runway generation"
	}
	return "Waiting for the Runway generation was interrupted"
}

func waitInterruptedDetail(typeName string, lc *lifecycleFields, ctx context.Context, timeout time.Duration, creating bool) string {
	why := "the wait was interrupted"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = fmt.Sprintf("the wait reached its timeout (%s)", timeout)
	}
	msg := fmt.Sprintf("Runway task %s is still %s: %s. The task was NOT cancelled: it keeps running on the "+
		"account and its credits are spent. Its id and last status are saved in the state.\n\n",
		lc.ID.ValueString(), lc.Status.ValueString(), why)
	if creating {
		msg += fmt.Sprintf("To keep waiting for this same task without paying again, run:\n\n"+
			"  terraform untaint %s.<name>\n  terraform apply\n\n"+
			"(raise timeouts.create if it needs longer). A plain `terraform apply` without untaint would replace "+
			"the resource and pay for a new generation.", typeName)
	} else {
		msg += "Run `terraform apply` again to keep waiting for the same task (raise timeouts.update if it needs longer); no new task is submitted."
	}
	return msg
}

// submitErrorDiagnostic explains a failed create. Whether a task may exist
// matters most: an unknown outcome must not be retried blindly.
func submitErrorDiagnostic(typeName string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	if isOutcomeUnknown(err) {
		diags.AddError("Runway generation outcome unknown",
			fmt.Sprintf("The gateway's answer to the create request was lost or unusable (%v). The gateway may "+
				"have accepted it and started a paid task, so the provider did not resubmit it. Nothing is saved in the "+
				"state. Check the account's tasks before applying again: if the task exists, import it with "+
				"`terraform import %s.<name> <task id>` instead of paying twice.", err, typeName))
		return diags
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		diags.AddError("Generation not submitted",
			fmt.Sprintf("The create did not complete before the deadline or interrupt (%v). The gateway refused every attempt "+
				"so far (429: account busy), so no task was created and nothing was charged. Raise timeouts.create or "+
				"lower the number of generations per apply.", err))
		return diags
	}
	return gatewayErrorDiagnostic("Runway generation not submitted", err)
}
