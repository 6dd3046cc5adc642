package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestOpenCrashJournal(t *testing.T) {
	if j, err := openCrashJournal("off"); j != nil || err != nil {
		t.Errorf(`"off": journal %v, error %v; want neither`, j, err)
	}
	path := filepath.Join(t.TempDir(), "j.json")
	if j, err := openCrashJournal(path); err != nil || j == nil || j.Path() != path {
		t.Errorf("%s: journal %v, error %v", path, j, err)
	}
}

// A relative journal path cannot be resolved once the working directory
// is gone: that is an unusable journal, not one turned off.
func TestOpenCrashJournalUnresolvable(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	j, err := openCrashJournal("relative.json")
	if j != nil || err == nil || !strings.Contains(err.Error(), "relative.json") {
		t.Fatalf("journal %v, error %v; want none, and an error naming the path", j, err)
	}
}

// An unusable journal warns on the first create of a provider instance
// only; one turned off never does.
func TestWarnJournalUnusable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"turned off", nil, 0},
		{"unusable", os.ErrPermission, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := &providerData{journalErr: c.err}
			var all diag.Diagnostics
			for range 3 { // three creates of one apply
				var diags diag.Diagnostics
				d.warnJournalUnusable(&diags)
				all.Append(diags...)
			}
			if len(all) != c.want {
				t.Fatalf("%d diagnostics, want %d: %v", len(all), c.want, all)
			}
			for _, w := range all {
				if w.Severity() != diag.SeverityWarning || !strings.Contains(w.Detail(), c.err.Error()) ||
					!strings.Contains(w.Detail(), `crash_journal = "off"`) {
					t.Errorf("warning %q: %s", w.Summary(), w.Detail())
				}
			}
		})
	}
}
