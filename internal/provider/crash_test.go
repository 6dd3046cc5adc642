//go:build unix

package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/journal"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
	"github.com/tfrunway/terraform-provider-runway/internal/simulator/apikleysim"
)

// Crash safety: Terraform, its provider, or both are killed hard (SIGKILL)
// while generations wait; the next apply adopts the submitted tasks instead
// of paying for them again. Every count below is read on the simulator.

// killedTwins applies twinGenerations (motion 5) in a new workspace and
// kills the apply while it waits for both paid tasks: the journal then
// holds two orphans with task ids.
func killedTwins(t *testing.T) (*testSim, *tfWorkspace) {
	t.Helper()
	sim := newTestSim(t, simulator.Options{})
	sim.HoldTasks(true)
	ws := newWorkspace(t, twinGenerations(sim, 5))
	killWhileWaiting(t, ws, sim, 2, "all")
	return sim, ws
}

// twinGenerations is two identical generations: they are two generations,
// paid twice, never one adopted by the other.
func twinGenerations(sim *testSim, motion int) string {
	return sim.providerBlock() + fmt.Sprintf(`
resource "runway_gen2_extension" "twin" {
  count    = 2
  asset_id = %q
  motion   = %d
}
`, sim.demoVideo(), motion)
}

// killWhileWaiting starts an apply, waits until its generations were
// created and polled, and kills what victim names: "all" (Terraform and the
// provider), "terraform" or "provider".
func killWhileWaiting(t *testing.T, ws *tfWorkspace, sim *testSim, creates int, victim string) {
	t.Helper()
	before := sim.Stats().Creates
	apply := ws.start("apply", "-auto-approve", "-input=false")
	waitFor(t, time.Minute, "the creates and a poll of each", func() bool {
		if sim.Stats().Creates < before+creates {
			return false
		}
		for _, id := range sim.Tasks() {
			if sim.Polls(id) == 0 {
				return false
			}
		}
		return true
	})
	tf := apply.cmd.Process.Pid
	switch victim {
	case "all":
		_ = killProcessGroup(apply.cmd)
	case "terraform":
		plugin := pluginOf(t, tf)
		_ = syscall.Kill(tf, syscall.SIGKILL)
		t.Cleanup(func() { _ = syscall.Kill(-tf, syscall.SIGKILL) }) // a provider left behind
		// The provider outlives Terraform until it next writes to the
		// stderr pipe Terraform held (SIGPIPE), or returns its creates
		// having seen Terraform vanish: either way its entries become
		// orphans.
		waitFor(t, 30*time.Second, "the provider to follow Terraform or orphan its entries", func() bool {
			if !journal.ProcessAlive(plugin) {
				return true
			}
			e := journalEntries(t, ws)
			return len(e) == creates && e[0].State == journal.StateOrphaned && e[len(e)-1].State == journal.StateOrphaned
		})
	case "provider":
		plugin := pluginOf(t, tf)
		_ = syscall.Kill(plugin, syscall.SIGKILL)
	}
	out, code := apply.wait(t, time.Minute)
	if code == 0 {
		t.Fatalf("the killed apply exited 0:\n%s", out)
	}
}

// pluginOf finds the provider plugin process terraform started.
func pluginOf(t *testing.T, terraformPID int) int {
	t.Helper()
	var found int
	waitFor(t, 10*time.Second, "the provider plugin process", func() bool {
		dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, stat := range dirs {
			b, err := os.ReadFile(stat)
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...
			s := string(b)
			end := strings.LastIndexByte(s, ')')
			if end < 0 || !strings.Contains(s[:end], "terraform-provi") {
				continue
			}
			fields := strings.Fields(s[end+1:])
			if len(fields) > 1 && fields[1] == strconv.Itoa(terraformPID) {
				found, _ = strconv.Atoi(strings.Fields(s)[0])
				return true
			}
		}
		return false
	})
	return found
}

// journalEntries reads a workspace's crash journal.
func journalEntries(t *testing.T, ws *tfWorkspace) []journal.Entry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ws.dir, ".terraform", crashJournalFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Entries []journal.Entry }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("journal: %v\n%s", err, b)
	}
	return f.Entries
}

// rewriteJournal replaces a workspace's crash journal entries.
func rewriteJournal(t *testing.T, ws *tfWorkspace, change func([]journal.Entry) []journal.Entry) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"version": 1, "entries": change(journalEntries(t, ws))})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws.dir, ".terraform", crashJournalFile), string(b))
}

// assertAdopted applies again and checks that no new task was paid for and
// that every twin holds a distinct, finished task of the simulator. It
// returns the apply's output.
func assertAdopted(t *testing.T, ws *tfWorkspace, sim *testSim, paid int) string {
	t.Helper()
	sim.HoldTasks(false)
	out := ws.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Adopted a generation an earlier apply had submitted") {
		t.Errorf("the apply does not say it adopted:\n%s", out)
	}
	if got := sim.Stats().Creates; got != paid {
		t.Fatalf("the gateway accepted %d creates, want %d (nothing paid twice):\n%s", got, paid, out)
	}
	seen := map[string]bool{}
	for _, r := range ws.resources() {
		id, _ := r.Values["id"].(string)
		if seen[id] || r.Values["status"] != "SUCCEEDED" || r.Values["video_url"] == nil {
			t.Fatalf("%s: id %v status %v video_url %v (seen before: %t)", r.Address, id, r.Values["status"], r.Values["video_url"], seen[id])
		}
		seen[id] = true
	}
	if len(seen) != 2 {
		t.Fatalf("%d generations in state, want 2", len(seen))
	}
	if e := journalEntries(t, ws); len(e) != 0 {
		t.Fatalf("journal entries left after the apply: %+v", e)
	}
	if plan, code := ws.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after adoption is not empty (exit %d):\n%s", code, plan)
	}
	return out
}

func TestCrash_killedApplyIsAdoptedNotPaidTwice(t *testing.T) {
	for _, victim := range []string{"all", "terraform", "provider"} {
		t.Run(victim, func(t *testing.T) {
			t.Parallel()
			sim := newTestSim(t, simulator.Options{})
			sim.HoldTasks(true)
			ws := newWorkspace(t, twinGenerations(sim, 5))
			killWhileWaiting(t, ws, sim, 2, victim)
			if e := journalEntries(t, ws); len(e) != 2 || e[0].TaskID == "" || e[1].TaskID == "" {
				t.Fatalf("journal after the kill: %+v", e)
			}
			assertAdopted(t, ws, sim, 2)
		})
	}
}

// An orphan is adopted however long after its create's timeout the next
// apply comes (a CI job killed at night, rerun in the morning): its task is
// paid for. An entry without a task id cannot be adopted; past its timeout it
// is dropped, with a warning that a task may exist.
func TestCrash_expiredOrphanIsAdoptedNotPaidTwice(t *testing.T) {
	t.Parallel()
	sim, ws := killedTwins(t)
	dayAgo := time.Now().Add(-24 * time.Hour).UTC()
	rewriteJournal(t, ws, func(entries []journal.Entry) []journal.Entry {
		if len(entries) != 2 || entries[0].TaskID == "" || entries[1].TaskID == "" {
			t.Fatalf("journal after the kill: %+v", entries)
		}
		for i := range entries {
			entries[i].Started, entries[i].Expires = dayAgo.Add(-time.Hour), dayAgo
		}
		// Another generation's create, killed before the gateway answered.
		return append(entries, journal.Entry{
			ID: "unanswered", Key: "runway_gen2_extension:other", Resource: "runway_gen2_extension",
			State: journal.StateOrphaned, Started: dayAgo.Add(-time.Hour), Expires: dayAgo,
		})
	})
	out := assertAdopted(t, ws, sim, 2)
	if !strings.Contains(out, "An earlier create may have been lost") || !strings.Contains(out, "terraform import runway_gen2_extension.<name>") {
		t.Errorf("the expired entry without a task id is dropped without a warning:\n%s", out)
	}
}

// An orphan whose task the gateway no longer knows (deleted on the account
// after the kill) is not adopted: a new generation is paid for, and a
// warning says why.
func TestCrash_orphanWhoseTaskIsGoneWarns(t *testing.T) {
	t.Parallel()
	sim, ws := killedTwins(t)
	for _, e := range journalEntries(t, ws) {
		sim.ForgetTask(e.TaskID)
	}
	sim.HoldTasks(false)
	out := ws.mustRun("apply", "-auto-approve", "-input=false")
	if got := sim.Stats().Creates; got != 4 {
		t.Fatalf("creates = %d, want 4: the gone tasks are paid for anew", got)
	}
	// Terraform folds warnings with the same summary into one.
	if !strings.Contains(out, "A generation an earlier apply had submitted is gone") || !strings.Contains(out, "one more similar warning") {
		t.Errorf("want a warning about each gone task:\n%s", out)
	}
	if e := journalEntries(t, ws); len(e) != 0 {
		t.Errorf("journal after the apply: %+v", e)
	}
}

// What must never be adopted: other inputs, another working directory's
// generations, and (after a clean apply) anything at all.
func TestCrash_noFalseAdoption(t *testing.T) {
	t.Run("other inputs pay for a new generation", func(t *testing.T) {
		t.Parallel()
		sim, ws := killedTwins(t)
		sim.HoldTasks(false)
		writeFile(t, filepath.Join(ws.dir, "main.tf"), strings.Replace(readFile(t, filepath.Join(ws.dir, "main.tf")), "motion   = 5", "motion   = 6", 1))
		ws.mustRun("apply", "-auto-approve", "-input=false")
		if got := sim.Stats().Creates; got != 4 {
			t.Fatalf("creates = %d, want 4: changed inputs are new generations", got)
		}
		if e := journalEntries(t, ws); len(e) != 2 {
			t.Fatalf("the other generation's orphans must stay for their own apply: %+v", e)
		}
	})
	t.Run("another working directory has generations of its own", func(t *testing.T) {
		t.Parallel()
		sim := newTestSim(t, simulator.Options{})
		sim.HoldTasks(true)
		a := newWorkspace(t, twinGenerations(sim, 5))
		b := newWorkspace(t, twinGenerations(sim, 5))
		killWhileWaiting(t, a, sim, 2, "all")
		sim.HoldTasks(false)
		b.mustRun("apply", "-auto-approve", "-input=false")
		if got := sim.Stats().Creates; got != 4 {
			t.Fatalf("creates = %d, want 4: the other directory pays for its own", got)
		}
		assertAdopted(t, a, sim, 4)
	})
	t.Run("destroy then apply pays again, also with ABANDON", func(t *testing.T) {
		t.Parallel()
		sim := newTestSim(t, simulator.Options{})
		config := strings.Replace(twinGenerations(sim, 5), "motion   = 5", "motion   = 5\n  deletion_policy = \"ABANDON\"", 1)
		ws := newWorkspace(t, config)
		ws.mustRun("apply", "-auto-approve", "-input=false")
		ws.mustRun("destroy", "-auto-approve", "-input=false")
		ws.mustRun("apply", "-auto-approve", "-input=false")
		if got := sim.Stats().Creates; got != 4 {
			t.Fatalf("creates = %d, want 4", got)
		}
	})
	t.Run("a third twin planned without refresh is a new generation", func(t *testing.T) {
		t.Parallel()
		sim := newTestSim(t, simulator.Options{})
		ws := newWorkspace(t, twinGenerations(sim, 5))
		ws.mustRun("apply", "-auto-approve", "-input=false")
		writeFile(t, filepath.Join(ws.dir, "main.tf"), strings.Replace(readFile(t, filepath.Join(ws.dir, "main.tf")), "count    = 2", "count    = 3", 1))
		ws.mustRun("apply", "-auto-approve", "-input=false", "-refresh=false")
		if got := sim.Stats().Creates; got != 3 {
			t.Fatalf("creates = %d, want 3", got)
		}
		ids := map[any]bool{}
		for _, r := range ws.resources() {
			ids[r.Values["id"]] = true
		}
		if len(ids) != 3 {
			t.Fatalf("%d distinct tasks for 3 twins", len(ids))
		}
	})
	t.Run("two directories applying at once", func(t *testing.T) {
		t.Parallel()
		sim := newTestSim(t, simulator.Options{})
		a := newWorkspace(t, twinGenerations(sim, 5))
		b := newWorkspace(t, twinGenerations(sim, 5))
		var wg sync.WaitGroup
		for _, ws := range []*tfWorkspace{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if out, code := ws.run("apply", "-auto-approve", "-input=false"); code != 0 {
					t.Errorf("apply exited %d:\n%s", code, out)
				}
			}()
		}
		wg.Wait()
		if got := sim.Stats().Creates; got != 4 {
			t.Fatalf("creates = %d, want 4", got)
		}
	})
}

// A journal that cannot be read or written costs crash safety, with a
// warning, never the generation.
func TestCrash_brokenJournalWarns(t *testing.T) {
	cases := map[string]func(t *testing.T, ws *tfWorkspace){
		"garbage": func(t *testing.T, ws *tfWorkspace) {
			writeFile(t, filepath.Join(ws.dir, ".terraform", crashJournalFile), "\x00garbage{")
		},
		"truncated": func(t *testing.T, ws *tfWorkspace) {
			writeFile(t, filepath.Join(ws.dir, ".terraform", crashJournalFile), `{"version":1,"entries":[{"id":"x",`)
		},
		"unwritable": func(t *testing.T, ws *tfWorkspace) {
			// A directory where the file should be: nothing can be written.
			if err := os.MkdirAll(filepath.Join(ws.dir, ".terraform", crashJournalFile), 0o755); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := newTestSim(t, simulator.Options{})
			ws := newWorkspace(t, twinGenerations(sim, 5))
			breakIt(t, ws)
			out := ws.mustRun("apply", "-auto-approve", "-input=false")
			if !strings.Contains(out, "Crash journal") {
				t.Errorf("no warning about the journal:\n%s", out)
			}
			if got := sim.Stats().Creates; got != 2 {
				t.Fatalf("creates = %d, want 2", got)
			}
			for _, r := range ws.resources() {
				if r.Values["status"] != "SUCCEEDED" {
					t.Fatalf("%s: %v", r.Address, r.Values["status"])
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The same on Apikley: two twin videos, Terraform and its provider killed
// while they wait, the next apply adopts both.
func TestCrash_apikleyKilledApplyIsAdopted(t *testing.T) {
	t.Parallel()
	gw := newTestApikley(t, apikleysim.Options{})
	gw.HoldTasks(true)
	ws := newWorkspace(t, gw.providerBlock()+`
resource "runway_apikley_video" "twin" {
  count        = 2
  prompt       = "a lighthouse at dusk"
  duration     = 5
  quality      = "720p"
  aspect_ratio = "16:9"
}
`)
	apply := ws.start("apply", "-auto-approve", "-input=false")
	waitFor(t, time.Minute, "two creates and a poll of each", func() bool {
		st := gw.Stats()
		if st.Creates < 2 {
			return false
		}
		for _, n := range st.Polls {
			if n == 0 {
				return false
			}
		}
		return len(st.Polls) == 2
	})
	_ = killProcessGroup(apply.cmd)
	if _, code := apply.wait(t, time.Minute); code == 0 {
		t.Fatal("the killed apply exited 0")
	}
	gw.HoldTasks(false)
	out := ws.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Adopted a generation an earlier apply had submitted") {
		t.Errorf("the apply does not say it adopted:\n%s", out)
	}
	if got := gw.Stats().Creates; got != 2 {
		t.Fatalf("the gateway accepted %d creates, want 2:\n%s", got, out)
	}
	ids := map[any]bool{}
	for _, r := range ws.resources() {
		if r.Values["status"] != "success" || r.Values["video_url"] == nil {
			t.Fatalf("%s: status %v video_url %v", r.Address, r.Values["status"], r.Values["video_url"])
		}
		ids[r.Values["id"]] = true
	}
	if len(ids) != 2 {
		t.Fatalf("%d distinct tasks for 2 twins", len(ids))
	}
}
