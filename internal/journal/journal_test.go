package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// process is a Journal as one provider process sees the file; dead lists
// the pids that are not running.
func process(path string, pid int, dead map[int]bool) *Journal {
	j := Open(path)
	j.pid = pid
	j.alive = func(p int) bool { return !dead[p] }
	j.now = func() time.Time { return t0 }
	return j
}

func TestClaim(t *testing.T) {
	cases := []struct {
		name string
		// prepare writes entries as process 100 (whose fate is dead100).
		prepare   func(t *testing.T, j *Journal)
		dead100   bool
		claimKey  string
		wantClaim string // task id claimed, "" for none
		wantLeft  int
		wantDrop  int
	}{
		{"owner dead, task known", func(t *testing.T, j *Journal) { submitted(t, j, "k", "task-1") }, true, "k", "task-1", 1, 0},
		{"owner alive: its create is still running", func(t *testing.T, j *Journal) { submitted(t, j, "k", "task-1") }, false, "k", "", 1, 0},
		{"owner alive but marked orphaned", func(t *testing.T, j *Journal) {
			r := submitted(t, j, "k", "task-1")
			must(t, r.Orphan())
		}, false, "k", "task-1", 1, 0},
		{"other inputs are never adopted", func(t *testing.T, j *Journal) { submitted(t, j, "k", "task-1") }, true, "other", "", 1, 0},
		{"a create that returned left nothing", func(t *testing.T, j *Journal) {
			r := submitted(t, j, "k", "task-1")
			must(t, r.Done())
		}, true, "k", "", 0, 0},
		// A task id is paid for: age never drops it, only the gateway's
		// answer that the task is gone (the caller's Done) does.
		{"an expired orphan with a task id is claimed", func(t *testing.T, j *Journal) {
			expiredSubmitted(t, j, "k", "task-old")
		}, true, "k", "task-old", 1, 0},
		{"an expired orphan with a task id of other inputs is kept", func(t *testing.T, j *Journal) {
			expiredSubmitted(t, j, "other", "task-old")
		}, true, "k", "", 1, 0},
		{"an expired orphan with a task id whose owner is alive is kept", func(t *testing.T, j *Journal) {
			expiredSubmitted(t, j, "k", "task-old")
		}, false, "k", "", 1, 0},
		// Without a task id nothing can be adopted: past its create's
		// timeout the entry is dropped and returned, for the caller to
		// report, whatever its inputs.
		{"an expired orphan without a task id is dropped", func(t *testing.T, j *Journal) {
			_, err := j.Intend("k", "runway_x", t0.Add(-time.Second))
			must(t, err)
		}, true, "k", "", 0, 1},
		{"an expired orphan without a task id of other inputs is dropped", func(t *testing.T, j *Journal) {
			_, err := j.Intend("other", "runway_x", t0.Add(-time.Second))
			must(t, err)
		}, true, "k", "", 0, 1},
		{"an expired entry without a task id whose owner is alive is kept", func(t *testing.T, j *Journal) {
			_, err := j.Intend("k", "runway_x", t0.Add(-time.Second))
			must(t, err)
		}, false, "k", "", 1, 0},
		{"one orphan for one claim", func(t *testing.T, j *Journal) {
			submitted(t, j, "k", "task-1")
			submitted(t, j, "k", "task-2")
		}, true, "k", "task-1", 2, 0},
		{"killed before the answer: claimed without a task id", func(t *testing.T, j *Journal) {
			_, err := j.Intend("k", "runway_x", t0.Add(time.Hour))
			must(t, err)
		}, true, "k", "", 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.json")
			c.prepare(t, process(path, 100, nil))
			next := process(path, 200, map[int]bool{100: c.dead100})
			claimed, rec, expired, err := next.Claim(c.claimKey)
			must(t, err)
			got := ""
			if claimed != nil {
				got = claimed.TaskID
				if rec == nil || claimed.PID != 200 || claimed.State != StatePending {
					t.Errorf("claimed entry not made the claimant's: %+v", claimed)
				}
			}
			if got != c.wantClaim {
				t.Errorf("claimed task %q, want %q", got, c.wantClaim)
			}
			if c.name == "killed before the answer: claimed without a task id" && claimed == nil {
				t.Error("an intent without an answer must be claimed, so the caller can warn")
			}
			if len(expired) != c.wantDrop {
				t.Errorf("dropped %d, want %d", len(expired), c.wantDrop)
			}
			for _, e := range expired {
				if e.TaskID != "" {
					t.Errorf("dropped an entry with task id %s", e.TaskID)
				}
			}
			left, err := next.Entries()
			must(t, err)
			if len(left) != c.wantLeft {
				t.Errorf("%d entries left, want %d: %+v", len(left), c.wantLeft, left)
			}
			if rec != nil {
				must(t, rec.Done())
				left, _ = next.Entries()
				if len(left) != c.wantLeft-1 {
					t.Errorf("Done on a claimed entry left %d entries", len(left))
				}
			}
		})
	}
}

// The creates of one process are never each other's orphans: identical
// generations of one apply (count = 2) are two generations.
func TestOwnEntriesAreNeverClaimed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := process(path, 100, nil)
	submitted(t, j, "k", "task-1")
	claimed, _, _, err := j.Claim("k")
	must(t, err)
	if claimed != nil {
		t.Fatalf("claimed its own running create: %+v", claimed)
	}
}

func TestUnreadableJournals(t *testing.T) {
	cases := map[string]string{
		"garbage":   "not json at all\x00\xff",
		"truncated": `{"version":1,"entries":[{"id":"a","key":"k"`,
		"empty":     "",
		"version":   `{"version":99,"entries":[]}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.json")
			must(t, os.WriteFile(path, []byte(content), 0o600))
			j := process(path, 100, nil)
			r, err := j.Intend("k", "runway_x", t0.Add(time.Hour))
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) {
				t.Fatalf("err = %v, want a CorruptError", err)
			}
			// The journal was started anew and works from here on.
			must(t, r.Submitted("task-1"))
			entries, err := j.Entries()
			must(t, err)
			if len(entries) != 1 || entries[0].TaskID != "task-1" {
				t.Fatalf("entries after restart = %+v", entries)
			}
		})
	}
}

func TestUnwritableJournal(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		// Root writes into read-only directories: make the parent a file.
		path := filepath.Join(t.TempDir(), "file")
		must(t, os.WriteFile(path, nil, 0o600))
		if _, err := Open(filepath.Join(path, "journal.json")).Intend("k", "runway_x", t0); err == nil {
			t.Fatal("a journal under a regular file was written")
		}
		return
	}
	dir := filepath.Join(t.TempDir(), "ro")
	must(t, os.Mkdir(dir, 0o500))
	if _, err := Open(filepath.Join(dir, "journal.json")).Intend("k", "runway_x", t0); err == nil {
		t.Fatal("a journal in a read-only directory was written")
	}
}

// Concurrent creates of one apply, and two processes on one file, never
// lose an entry.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	a, b := process(path, 100, nil), process(path, 200, nil)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := a
			if i%2 == 1 {
				j = b
			}
			r, err := j.Intend(fmt.Sprint("k", i), "runway_x", t0.Add(time.Hour))
			if err == nil {
				err = r.Submitted(fmt.Sprint("task-", i))
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	entries, err := a.Entries()
	must(t, err)
	if len(entries) != 40 {
		t.Fatalf("%d entries, want 40", len(entries))
	}
	for _, e := range entries {
		if e.TaskID == "" {
			t.Errorf("entry %s lost its task id", e.Key)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"version":1,"entries":[{"id":"a","key":"k","task_id":"t","state":"orphaned","pid":1}]}`))
	f.Add([]byte(`{"version":1,"entries":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "journal.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		j := process(path, 100, map[int]bool{1: true})
		_, _, _, err := j.Claim("k")
		var corrupt *CorruptError
		if err != nil && !errors.As(err, &corrupt) {
			t.Fatalf("Claim on any content: %v", err)
		}
		// Whatever was there, the journal is readable afterwards.
		if _, err := j.Entries(); err != nil {
			t.Fatalf("journal unreadable after a claim: %v", err)
		}
	})
}

// expiredSubmitted records a create with a task id whose timeout ended a
// day before the claim.
func expiredSubmitted(t *testing.T, j *Journal, key, taskID string) {
	t.Helper()
	r, err := j.Intend(key, "runway_x", t0.Add(-24*time.Hour))
	must(t, err)
	must(t, r.Submitted(taskID))
}

// A record whose entry vanished (the journal was started anew) says so
// with ErrLostEntry, which callers test with errors.Is.
func TestLostEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := process(path, 100, nil)
	r, err := j.Intend("k", "runway_x", t0.Add(time.Hour))
	must(t, err)
	must(t, os.WriteFile(path, []byte("garbage"), 0o600))
	if _, err := j.Intend("k2", "runway_x", t0.Add(time.Hour)); !errors.As(err, new(*CorruptError)) {
		t.Fatalf("restarting the journal: %v", err)
	}
	for name, err := range map[string]error{"Submitted": r.Submitted("task-1"), "Orphan": r.Orphan()} {
		if !errors.Is(err, ErrLostEntry) {
			t.Errorf("%s on a lost entry: %v, want ErrLostEntry", name, err)
		}
	}
	must(t, r.Done()) // nothing left to remove
}

func submitted(t *testing.T, j *Journal, key, taskID string) *Record {
	t.Helper()
	r, err := j.Intend(key, "runway_x", t0.Add(time.Hour))
	must(t, err)
	must(t, r.Submitted(taskID))
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
