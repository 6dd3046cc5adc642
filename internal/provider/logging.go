package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maskSecrets makes tflog replace every occurrence of the secrets, in
// messages and field values alike, before anything is written.
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// tflogLogger adapts tflog to the clients' transport.Logger, so that the
// clients stay free of Terraform imports. The request context carries the
// masking set up by the provider; masking again here also covers contexts
// that were created without it.
type tflogLogger struct {
	secrets []string
}

func (l tflogLogger) Log(ctx context.Context, level, msg string, fields map[string]any) {
	ctx = maskSecrets(ctx, l.secrets)
	switch level {
	case "trace":
		tflog.Trace(ctx, msg, fields)
	case "warn":
		tflog.Warn(ctx, msg, fields)
	case "error":
		tflog.Error(ctx, msg, fields)
	default:
		tflog.Debug(ctx, msg, fields)
	}
}
