package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// useapiErrorDiagnostic shows the gateway's message verbatim plus what to do.
func useapiErrorDiagnostic(summary string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *useapi.APIError
	if errors.As(err, &apiErr) {
		detail := apiErr.Error()
		if hint := apiErr.Hint(); hint != "" {
			detail += "\n\n" + hint
		}
		diags.AddError(summary, detail)
		return diags
	}
	diags.AddError(summary, err.Error())
	return diags
}
