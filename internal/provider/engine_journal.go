package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfrunway/terraform-provider-runway/internal/journal"
)

// Crash safety. A task id reaches Terraform only when Create returns; if
// Terraform or the provider is killed hard while a generation waits, the
// state never learns of the task. The crash journal (internal/journal)
// bridges that gap: Create records its intent before the POST and the task
// id right after the answer, and removes the entry when it returns. The
// next Create of the same generation (same resource type, same inputs, in
// the same working directory) claims an entry whose Create never returned
// and adopts its task instead of paying again. See README "Crash safety".

// crashJournalFile is the journal's name in Terraform's data directory.
const crashJournalFile = "runway-crash-journal.json"

// terraformPID is the process that started this provider: Terraform (or,
// in-process, the test binary). When the provider is re-parented, Terraform
// is gone and cannot receive a task id any more.
var terraformPID = os.Getppid()

func terraformGone() bool { return os.Getppid() != terraformPID }

// openCrashJournal opens the journal at path ("" for the default, "off"
// for none). The error says why a journal that was not turned off cannot
// be used.
func openCrashJournal(path string) (*journal.Journal, error) {
	switch path {
	case "off":
		return nil, nil
	case "":
		dataDir := os.Getenv("TF_DATA_DIR")
		if dataDir == "" {
			dataDir = ".terraform"
		}
		path = filepath.Join(dataDir, crashJournalFile)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("the crash journal path %q cannot be resolved: %w", path, err)
	}
	return journal.Open(abs), nil
}

// generationKey is what makes two creates the same generation: the
// resource type and a hash of every generation input in the plan.
func generationKey(typeName string, inputs []string, plan tftypes.Value) (string, error) {
	var attrs map[string]tftypes.Value
	if err := plan.As(&attrs); err != nil {
		return "", err
	}
	types := make(map[string]tftypes.Type, len(inputs))
	values := make(map[string]tftypes.Value, len(inputs))
	for _, name := range inputs {
		values[name], types[name] = attrs[name], attrs[name].Type()
	}
	obj := tftypes.Object{AttributeTypes: types}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, values))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(dv.MsgPack) // msgpack sorts object attributes: stable
	return typeName + ":" + hex.EncodeToString(sum[:]), nil
}

// journalWarning turns a journal problem into a warning: the generation
// goes on without crash safety rather than failing.
func journalWarning(diags *diag.Diagnostics, what string, err error) {
	var corrupt *journal.CorruptError
	if errors.As(err, &corrupt) {
		diags.AddWarning("Crash journal started anew", err.Error()+". Generations that an earlier killed apply "+
			"submitted but never recorded cannot be adopted from it; check the account's tasks before paying twice.")
		return
	}
	diags.AddWarning("Crash journal not written",
		fmt.Sprintf("%s failed (%v): this generation is not protected against a hard kill of Terraform. Fix the "+
			"crash_journal path or its permissions, or set crash_journal = \"off\" to silence this.", what, err))
}

// claimOrphan looks in the journal for a generation with key that an
// earlier apply submitted but never recorded. It returns the adopted task
// and its (now owned) record when the gateway still knows it, however old
// the entry. A claimed entry without a task id, or whose task the gateway
// no longer knows (404), is dropped with a warning, and the create goes on
// as usual.
func (r *generationResource[M, P, T]) claimOrphan(ctx context.Context, tasks taskBackend[T], key string, diags *diag.Diagnostics) (T, *journal.Record, bool) {
	var none T
	j := r.data.journal
	if j == nil {
		r.data.warnJournalUnusable(diags)
		return none, nil, false
	}
	entry, rec, expired, err := j.Claim(key)
	for _, e := range expired {
		lostCreateWarning(diags, e, "Its create's timeout has passed: its entry is dropped from the crash journal, and no "+
			"later apply reports it again.")
	}
	if err != nil {
		journalWarning(diags, "Reading the crash journal "+j.Path(), err)
		if rec == nil {
			return none, nil, false
		}
	}
	if entry == nil {
		return none, nil, false
	}
	if entry.TaskID == "" {
		_ = rec.Done()
		lostCreateWarning(diags, *entry, "It had the same inputs as this one; a new generation is submitted now.")
		return none, nil, false
	}
	task, err := tasks.get(ctx, entry.TaskID)
	switch {
	case tasks.isNotFound(err):
		_ = rec.Done()
		diags.AddWarning("A generation an earlier apply had submitted is gone",
			fmt.Sprintf("Task %s of this same %s was submitted at %s by an apply that was killed before Terraform "+
				"could record it, but the gateway no longer knows it (deleted on the account?). A new generation is "+
				"submitted now, and paid for.", entry.TaskID, r.typeName(), entry.Started.Format(time.RFC3339)))
		return none, nil, false
	case err != nil:
		_ = rec.Orphan() // leave it for the next apply
		diags.Append(gatewayErrorDiagnostic("Checking the orphaned task "+entry.TaskID+" failed", err)...)
		diags.AddError("Generation not submitted",
			fmt.Sprintf("An earlier apply submitted this same generation as task %s and was killed before Terraform "+
				"recorded it. Its task could not be read, so nothing was submitted (that would pay twice). Apply again "+
				"to adopt it.", entry.TaskID))
		return none, nil, false
	}
	diags.AddWarning("Adopted a generation an earlier apply had submitted",
		fmt.Sprintf("Task %s of this same %s was submitted at %s by an apply that was killed before Terraform could "+
			"record it. It is adopted instead of paying for the same generation again.",
			entry.TaskID, r.typeName(), entry.Started.Format(time.RFC3339)))
	return task, rec, true
}

// intend records, before the POST, that this generation is being submitted.
func (r *generationResource[M, P, T]) intend(key string, deadline time.Time, diags *diag.Diagnostics) *journal.Record {
	j := r.data.journal
	if j == nil {
		return nil
	}
	rec, err := j.Intend(key, r.typeName(), deadline)
	if err != nil {
		journalWarning(diags, "Writing the crash journal "+j.Path(), err)
		var corrupt *journal.CorruptError
		if !errors.As(err, &corrupt) {
			return nil
		}
	}
	return rec
}

// journalSubmitted records the task id the gateway answered: the window
// between the answer and this write is what the journal cannot cover.
func journalSubmitted(rec *journal.Record, taskID string, diags *diag.Diagnostics) {
	if rec == nil {
		return
	}
	if err := rec.Submitted(taskID); err != nil {
		journalWarning(diags, "Recording task "+taskID+" in the crash journal", err)
	}
}

// settleJournal ends a Create's entry: removed when the task id travels to
// Terraform in the response; left as an orphan when Terraform is gone.
func settleJournal(ctx context.Context, rec *journal.Record) {
	if rec == nil {
		return
	}
	var err error
	if terraformGone() {
		err = rec.Orphan()
		tflog.Warn(ctx, "Terraform is gone: the task is left in the crash journal for the next apply")
	} else {
		err = rec.Done()
	}
	// A lost entry was already reported when the journal was started anew.
	if err != nil && !errors.Is(err, journal.ErrLostEntry) {
		tflog.Warn(ctx, "crash journal: "+err.Error())
	}
}

// lostCreateWarning reports a journal entry without a task id: a create
// that was being sent when its apply was killed, before the gateway's
// answer. Whether a task (and a charge) exists is unknown to the provider;
// the user can check. fate says what becomes of the entry.
func lostCreateWarning(diags *diag.Diagnostics, e journal.Entry, fate string) {
	diags.AddWarning("An earlier create may have been lost",
		fmt.Sprintf("An apply was killed at %s while it was sending the create of a %s, before the gateway's answer "+
			"arrived. %s If the gateway accepted that create, a paid task exists whose id was never seen: check the "+
			"account's tasks, then delete the task or import it with `terraform import %s.<name> <task id>`.",
			e.Started.Format(time.RFC3339), e.Resource, fate, e.Resource))
}
