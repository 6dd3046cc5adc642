package provider

import (
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfrunway/terraform-provider-runway/internal/useapi"
)

// taskOptions reads a task's free-form `options` object. Gen-2 tasks nest
// most options under `gen2Options`; both levels are searched.
type taskOptions map[string]any

func optionsOf(t *useapi.Task) taskOptions {
	var top map[string]any
	if err := json.Unmarshal(t.Options, &top); err != nil || top == nil {
		return taskOptions{}
	}
	return top
}

func (o taskOptions) lookup(key string) (any, bool) {
	if v, ok := o[key]; ok && v != nil {
		return v, true
	}
	if nested, ok := o["gen2Options"].(map[string]any); ok {
		if v, ok := nested[key]; ok && v != nil {
			return v, true
		}
	}
	return nil, false
}

func (o taskOptions) string(key string) types.String {
	if v, ok := o.lookup(key); ok {
		if s, ok := v.(string); ok && s != "" {
			return types.StringValue(s)
		}
	}
	return types.StringNull()
}

func (o taskOptions) int64(key string) types.Int64 {
	if v, ok := o.lookup(key); ok {
		if f, ok := v.(float64); ok {
			return types.Int64Value(int64(f))
		}
	}
	return types.Int64Null()
}

func (o taskOptions) bool(key string) types.Bool {
	if v, ok := o.lookup(key); ok {
		if b, ok := v.(bool); ok {
			return types.BoolValue(b)
		}
	}
	return types.BoolNull()
}

// adoptCommon recovers, after an import, the common inputs a task reports:
// seed and exploreMode from its options. reply_url and reply_ref stay null:
// GET /tasks/{taskId} does not report them (only the create answer and
// GET /scheduler/, while the gateway still tracks the task, do), so they
// are adopted from the configuration in place like every input the task
// does not report.
func adoptCommon(c *taskCommon, t *useapi.Task) (seed types.Int64, explore types.Bool, replyURL, replyRef types.String) {
	o := optionsOf(t)
	seed, explore = o.int64("seed"), o.bool("exploreMode")
	replyURL, replyRef = types.StringNull(), types.StringNull()
	if !c.Seed.IsNull() {
		seed = c.Seed
	}
	return seed, explore, replyURL, replyRef
}
