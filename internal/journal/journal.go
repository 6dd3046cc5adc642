// Package journal keeps, in a small file of the working directory, the
// generations a provider process has submitted but not yet handed to
// Terraform, so that a process killed hard (SIGKILL, OOM, a lost CI runner)
// does not lose them: the next apply finds the orphaned entry and adopts its
// task instead of paying for the same generation again.
//
// A Create writes an entry before its POST (the intent: Intend) and the task
// id right after the answer (Submitted). When Create returns, the task id
// travels to Terraform in the response and the entry is removed (Done); only
// when Terraform is known to be gone is it left behind, marked orphaned
// (Orphan). An entry whose owning process is no longer alive is an orphan
// too. A later Create with the same key claims at most one orphan (Claim).
//
// The file is rewritten whole on every change: written to a temporary file,
// renamed over the journal, then the file and the directory synced, under an
// exclusive lock of a lock file beside it (and a mutex within the process),
// so concurrent creates of one apply and a crash at any point leave either
// the old or the new journal, never a torn one. The package knows nothing of
// Terraform.
package journal

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// States of an entry.
const (
	// StatePending: its owner is (or was, if it died) between the intent and
	// the return of its Create.
	StatePending = "pending"
	// StateOrphaned: its owner saw Terraform vanish before the task id could
	// reach it.
	StateOrphaned = "orphaned"
)

// ErrLostEntry reports that a record's entry is no longer in the journal:
// the file was started anew (see CorruptError) since the entry was written.
var ErrLostEntry = errors.New("lost entry")

// Entry is one submitted (or being submitted) generation.
type Entry struct {
	// ID names the entry (random).
	ID string `json:"id"`
	// Key is what makes two creates the same generation: the resource type
	// and a hash of every generation input.
	Key string `json:"key"`
	// Resource is the resource type, for messages.
	Resource string `json:"resource"`
	// TaskID is empty while the create is being sent (or if the process
	// died before its answer arrived).
	TaskID string `json:"task_id,omitempty"`
	// State is StatePending or StateOrphaned.
	State string `json:"state"`
	// PID and Session name the owning provider process.
	PID     int    `json:"pid"`
	Session string `json:"session"`
	// Started is when the intent was written; Expires is when the create's
	// timeout ends. An orphan without a task id older than that is dropped
	// (see Claim); one with a task id never is.
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
}

type file struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

const fileVersion = 1

// CorruptError reports a journal file that could not be read as a journal;
// it is replaced by an empty one on the next write.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("crash journal %s is not readable (%v): it is started anew", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Journal is one journal file as one provider process uses it.
type Journal struct {
	path    string
	session string
	pid     int
	mu      sync.Mutex
	// alive reports whether a process id is running; now is the clock.
	// Both are replaced in tests.
	alive func(pid int) bool
	now   func() time.Time
}

// Open returns the journal at path for this process. Nothing is read or
// written until it is used; the directory is created on the first write.
func Open(path string) *Journal {
	return &Journal{path: path, session: randomID(), pid: os.Getpid(), alive: processAlive, now: time.Now}
}

// ProcessAlive reports whether a process id is running, as the journal
// judges its owners.
func ProcessAlive(pid int) bool { return processAlive(pid) }

// Path is the journal file's path.
func (j *Journal) Path() string { return j.path }

// Record is an entry this process owns.
type Record struct {
	j  *Journal
	id string
}

// Intend records, before a create is sent, that this process is about to
// submit the generation key.
func (j *Journal) Intend(key, resource string, expires time.Time) (*Record, error) {
	e := Entry{
		ID: randomID(), Key: key, Resource: resource, State: StatePending,
		PID: j.pid, Session: j.session, Started: j.now().UTC(), Expires: expires.UTC(),
	}
	err := j.update(func(f *file) error {
		f.Entries = append(f.Entries, e)
		return nil
	})
	return &Record{j: j, id: e.ID}, err
}

// Submitted records the task id the gateway answered.
func (r *Record) Submitted(taskID string) error {
	return r.change(func(e *Entry) { e.TaskID = taskID })
}

// Orphan leaves the entry for a later apply: Terraform is gone and will not
// learn the task id from this process.
func (r *Record) Orphan() error {
	return r.change(func(e *Entry) { e.State = StateOrphaned })
}

// Done removes the entry: its Create returned and the task id (if any)
// travels to Terraform in the response.
func (r *Record) Done() error {
	return r.j.update(func(f *file) error {
		f.Entries = without(f.Entries, r.id)
		return nil
	})
}

func (r *Record) change(apply func(e *Entry)) error {
	return r.j.update(func(f *file) error {
		for i := range f.Entries {
			if f.Entries[i].ID == r.id {
				apply(&f.Entries[i])
				return nil
			}
		}
		return fmt.Errorf("crash journal %s: %w %s", r.j.path, ErrLostEntry, r.id)
	})
}

// Claim takes one orphan of key, if there is one, and makes it this
// process's own: the caller adopts its task (or, when TaskID is empty,
// knows a create of this generation may have been sent without an answer),
// then calls Done or Orphan on the record like on one of Intend.
//
// Age never drops an orphan that holds a task id, whatever its key: the
// task is paid for, and only the gateway can say it is gone (the caller
// then calls Done). An orphan without a task id can never be adopted, only
// reported; once its create's timeout has passed it is dropped on the way
// and returned in expired, for the caller to report.
func (j *Journal) Claim(key string) (claimed *Entry, rec *Record, expired []Entry, err error) {
	err = j.update(func(f *file) error {
		kept := f.Entries[:0]
		for _, e := range f.Entries {
			orphan := j.isOrphan(e)
			switch {
			case orphan && e.TaskID == "" && j.now().After(e.Expires):
				expired = append(expired, e)
				continue
			case orphan && claimed == nil && e.Key == key:
				e.State, e.PID, e.Session = StatePending, j.pid, j.session
				c := e
				claimed, rec = &c, &Record{j: j, id: e.ID}
			}
			kept = append(kept, e)
		}
		f.Entries = kept
		return nil
	})
	if err != nil {
		return nil, nil, expired, err
	}
	return claimed, rec, expired, nil
}

// Entries returns every entry (tests, diagnostics).
func (j *Journal) Entries() ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	unlock, err := lockFile(j.path + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	f, err := j.read()
	return f.Entries, err
}

// isOrphan: an entry nobody will finish. Entries of this process are never
// orphans (two identical generations of one apply are two generations).
func (j *Journal) isOrphan(e Entry) bool {
	if e.Session == j.session {
		return false
	}
	return e.State == StateOrphaned || !j.alive(e.PID)
}

// update applies change to the journal under both locks and writes it
// back. A corrupt journal is started anew: the change is applied to an
// empty one and a *CorruptError is returned after the write succeeded.
func (j *Journal) update(change func(f *file) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return err
	}
	unlock, err := lockFile(j.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	f, readErr := j.read()
	var corrupt *CorruptError
	if readErr != nil && !errors.As(readErr, &corrupt) {
		return readErr
	}
	if err := change(&f); err != nil {
		return err
	}
	if err := j.write(f); err != nil {
		return err
	}
	return readErr
}

func (j *Journal) read() (file, error) {
	f := file{Version: fileVersion}
	data, err := os.ReadFile(j.path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return f, &CorruptError{Path: j.path, Err: errors.New("empty file")}
	}
	var got file
	if err := json.Unmarshal(data, &got); err != nil {
		return f, &CorruptError{Path: j.path, Err: err}
	}
	if got.Version != fileVersion {
		return f, &CorruptError{Path: j.path, Err: fmt.Errorf("version %d, want %d", got.Version, fileVersion)}
	}
	return got, nil
}

// write replaces the journal atomically. The rename comes before the
// syncs: a process killed right after the rename has already left the new
// journal for every later reader (what crash safety needs, within tens of
// microseconds of the gateway's answer); the syncs then make it survive a
// crash of the machine too.
func (j *Journal) write(f file) error {
	if f.Entries == nil {
		f.Entries = []Entry{}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(j.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(j.path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	defer tmp.Close()           //nolint:errcheck // closed after the sync below
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func without(entries []Entry, id string) []Entry {
	out := entries[:0]
	for _, e := range entries {
		if e.ID != id {
			out = append(out, e)
		}
	}
	return out
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
