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
	diags.AddError(summary, gatewayErrorDetail(err))
	return diags
}

// gatewayErrorDetail is a gateway's message verbatim plus, when the error
// knows it, what to do.
func gatewayErrorDetail(err error) string {
	detail := err.Error()
	var hinted hintedError
	if errors.As(err, &hinted) {
		detail = hinted.Error()
		if hint := hinted.Hint(); hint != "" {
			detail += "\n\n" + hint
		}
	}
	return detail
}

// lastStatus is the status saved in the state, for messages.
func lastStatus(lc *lifecycleFields) string {
	if s := lc.Status.ValueString(); s != "" {
		return s
	}
	return "not reported yet"
}

// waitFailedDiagnostic explains a wait that a gateway error ended (neither a
// timeout nor an interrupt): a rejected token, answers that could not be
// read, an id the gateway says it does not know. None of these proves that
// the task failed, and the task is paid for, so the message says how to keep
// it. It is an error either way: an apply that ends without the outputs it
// promised must not pass, or resources reading them in the same apply would
// go on with null values. A create's error makes Terraform taint the
// resource, as after a timeout, hence the untaint advice.
func waitFailedDiagnostic(typeName string, lc *lifecycleFields, err error, creating, notFound bool) diag.Diagnostics {
	var diags diag.Diagnostics
	id := lc.ID.ValueString()
	gone := ""
	if notFound {
		gone = " The gateway answered that it does not know the task: if it still does not at the next refresh, the " +
			"task is removed from the state with a warning, and only the apply after that would pay for a new generation."
	}
	if !creating {
		diags.AddError("Waiting for Runway task "+id+" failed",
			fmt.Sprintf("%s\n\nThe task is kept: its id and last status (%s) are saved in the state, and nothing new was "+
				"submitted. Once the cause is fixed, run `terraform apply`: it waits in place for this same task and "+
				"submits nothing new.%s", gatewayErrorDetail(err), lastStatus(lc), gone))
		return diags
	}
	diags.AddError("Waiting for Runway task "+id+" failed",
		fmt.Sprintf("Runway task %s was submitted and its credits are spent; then polling it failed:\n\n%s\n\n"+
			"This does not prove that the task failed: its id and last status (%s) are saved in the state. Terraform "+
			"marks the resource as tainted because its create failed, so a plain `terraform apply` would replace it "+
			"and pay for a new generation. Once the cause is fixed, keep this same task with:\n\n"+
			"  terraform untaint %s.<name>\n  terraform apply\n\n(that apply waits for it in place and submits "+
			"nothing new).%s", id, gatewayErrorDetail(err), lastStatus(lc), typeName, gone))
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
		// After untaint the wait resumes in an update, which timeouts.update
		// bounds: raising timeouts.create would not help it.
		msg += fmt.Sprintf("To keep waiting for this same task without paying again, run:\n\n"+
			"  terraform untaint %s.<name>\n  terraform apply\n\n"+
			"(that apply waits within timeouts.update: raise it if the task needs longer). A plain `terraform apply` "+
			"without untaint would replace the resource and pay for a new generation.", typeName)
	} else {
		msg += "Run `terraform apply` again to keep waiting for the same task (raise timeouts.update if it needs longer); no new task is submitted."
	}
	return msg
}

// taskFailedDetail explains a task that ended without a result. Only a
// create's error makes Terraform taint the resource (and the next apply pay
// for a new generation); after a resumed wait the failed task simply stays
// in the state, final, and the next plan changes nothing.
func taskFailedDetail(typeName, taskID, reason string, creating bool) string {
	msg := fmt.Sprintf("Runway task %s failed: %s\n\nThe task id is kept in the state. ", taskID, reason)
	if creating {
		return msg + "Terraform marks the resource as tainted: the next apply submits a new generation (and pays for it " +
			"again). Change the inputs first if the failure was a moderation of the prompt or the input."
	}
	return msg + fmt.Sprintf("The resource is not tainted: the next plan keeps the failed task and changes nothing. "+
		"To pay for a new generation, change the inputs (if the failure was a moderation of the prompt or the input) "+
		"or run:\n\n  terraform apply -replace=%s.<name>", typeName)
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
