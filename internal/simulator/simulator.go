package simulator

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/fault"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultUserID       = 1234
	DefaultAccountEmail = "demo@runway.local"
	DefaultTaskDuration = 3 * time.Second
	DefaultMaxJobs      = 3
	DefaultCredits      = 2250
	DefaultURLTTL       = time.Hour

	// MaxUploadBytes is the largest body POST /assets/ accepts. The gateway
	// documents no limit; 512 MiB keeps a runaway upload from exhausting the
	// memory of a test process while being far above any real clip.
	MaxUploadBytes = 512 << 20

	// storageGB is what the create answers report in features.storageGB
	// (the documented examples' value, see testdata/*_200.json).
	storageGB = 500
)

// Options configure a Simulator. Every zero value means "use the default"
// documented on the field, so that Options{} is a working demo setup.
type Options struct {
	// Token is the bearer token accepted; default "user:<UserID>-simulator".
	Token string
	// UserID is the useapi.net user id embedded in task and asset ids; default 1234.
	UserID int
	// AccountEmail is the first configured Runway account, which holds the
	// demo assets; default "demo@runway.local" (or AccountEmails[0]).
	AccountEmail string
	// AccountEmails lists every configured Runway account (AccountEmail is
	// added first when missing). With two or more, GET /assets/,
	// POST /assets/, the GET /tasks/ list and GET /features/ require an
	// `email` query parameter, as the gateway documents; ids carry the
	// account that owns the asset or task, and a generation runs (and counts
	// against MaxJobs) on the account that owns its input asset. Credits
	// are one pool shared by every account.
	AccountEmails []string
	// TaskDuration is the length of the RUNNING phase; default 3s.
	TaskDuration time.Duration
	// QueueDelay is the PENDING phase before RUNNING; default TaskDuration/10
	// (and it then follows SetTaskDuration). A negative value means no queue.
	QueueDelay time.Duration
	// MaxJobs is the account capacity: concurrent PENDING+RUNNING tasks; default 3.
	MaxJobs int
	// Credits is the plan's permitted credits; default 2250 (0 means the
	// default: call SetCredits(0, 0) for an account without credits). Used
	// credits start at 0.
	Credits int
	// URLTTL is the lifetime of signed artifact and asset URLs; default 1h.
	URLTTL time.Duration
	// SeedDemoAssets pre-creates the demo assets listed in the package
	// documentation (fixed ids, see DemoAssetIDs).
	SeedDemoAssets bool
	// Now is the clock; default time.Now. Task phases are computed from it,
	// so tests can drive the whole life cycle with a fake clock.
	Now func() time.Time
}

// Stats are the counters tests read to prove properties such as "no double
// spend" (Creates) and "polling cost" (Polls). Stats() returns a deep copy.
type Stats struct {
	// Creates counts accepted (200) creates of all generation endpoints,
	// including those whose answer a DropAfterCreate fault threw away.
	Creates int
	// CreatesByPath counts accepted creates per endpoint, e.g. "/gen2/extend": 2.
	CreatesByPath map[string]int
	// Rejected counts answers by non-2xx status, all endpoints (faults included).
	Rejected map[int]int
	// Polls counts GET /tasks/{id} (and GET /tasks/?taskId=) per task id, for
	// every such request that reached the simulator, whatever its answer.
	Polls map[string]int
	// TotalPolls is the sum of Polls.
	TotalPolls int
	// MaxConcurrent is the highest number of PENDING+RUNNING tasks seen at once.
	MaxConcurrent int
	// Uploads counts accepted asset uploads; Deletes accepted deletes of
	// tasks and assets.
	Uploads, Deletes int
	// Untracked counts accepted DELETE /scheduler/{taskId}.
	Untracked int
	// Requests counts every request, files included.
	Requests int
}

// Simulator is an in-memory fake of the useapi.net Runway gateway. It is an
// http.Handler; all state is guarded by one mutex (the queued faults by
// their queue's own), so it is safe for concurrent use.
type Simulator struct {
	mu sync.Mutex

	token      string
	userID     int
	email      string   // the first account: demo assets, default of single-account calls
	accounts   []string // every configured account, email first
	queueDelay time.Duration
	queueAuto  bool // queueDelay follows taskDuration/10
	taskDur    time.Duration
	maxJobs    int
	urlTTL     time.Duration
	now        func() time.Time
	signKey    []byte
	groupID    string // parentAssetGroupId of generated assets ("Generative Video")
	maxUpload  int64  // MaxUploadBytes; lowered by tests
	rnd        *mrand.Rand
	hold       bool
	permitted  int
	used       int
	demoIDs    []string
	faults     fault.Queue[Fault] // has its own lock
	stats      Stats
	tasks      map[string]*task  // by taskId, including forgotten ones
	order      []*task           // creation order
	active     []*task           // PENDING/RUNNING, not gone
	assets     map[string]*asset // by assetId
	assetsByID map[string]*asset // by bare uuid (files)
	assetSeq   int
}

// New returns a Simulator configured by opts (zero fields take defaults).
func New(opts Options) *Simulator {
	if opts.UserID == 0 {
		opts.UserID = DefaultUserID
	}
	if opts.Token == "" {
		opts.Token = fmt.Sprintf("user:%d-simulator", opts.UserID)
	}
	if opts.AccountEmail == "" {
		opts.AccountEmail = DefaultAccountEmail
		if len(opts.AccountEmails) > 0 {
			opts.AccountEmail = opts.AccountEmails[0]
		}
	}
	accounts := []string{opts.AccountEmail}
	for _, e := range opts.AccountEmails {
		if e != "" && !slices.ContainsFunc(accounts, func(a string) bool { return strings.EqualFold(a, e) }) {
			accounts = append(accounts, e)
		}
	}
	if opts.TaskDuration <= 0 {
		opts.TaskDuration = DefaultTaskDuration
	}
	queueAuto := opts.QueueDelay == 0
	switch {
	case queueAuto:
		opts.QueueDelay = opts.TaskDuration / 10
	case opts.QueueDelay < 0:
		opts.QueueDelay = 0
	}
	if opts.MaxJobs <= 0 {
		opts.MaxJobs = DefaultMaxJobs
	}
	if opts.Credits == 0 {
		opts.Credits = DefaultCredits
	}
	if opts.URLTTL <= 0 {
		opts.URLTTL = DefaultURLTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	var seed [32]byte
	_, _ = rand.Read(seed[:])
	s := &Simulator{
		token:      opts.Token,
		userID:     opts.UserID,
		email:      opts.AccountEmail,
		accounts:   accounts,
		queueDelay: opts.QueueDelay,
		queueAuto:  queueAuto,
		taskDur:    opts.TaskDuration,
		maxJobs:    opts.MaxJobs,
		urlTTL:     opts.URLTTL,
		now:        opts.Now,
		signKey:    key,
		maxUpload:  MaxUploadBytes,
		rnd:        mrand.New(mrand.NewChaCha8(seed)),
		permitted:  opts.Credits,
		stats:      newStats(),
		tasks:      map[string]*task{},
		assets:     map[string]*asset{},
		assetsByID: map[string]*asset{},
	}
	s.groupID = s.newUUID()
	if opts.SeedDemoAssets {
		s.seedDemoAssets()
	}
	return s
}

func newStats() Stats {
	return Stats{CreatesByPath: map[string]int{}, Rejected: map[int]int{}, Polls: map[string]int{}}
}

// Token returns the bearer token the simulator accepts.
func (s *Simulator) Token() string { return s.token }

// AccountEmail returns the first configured Runway account email.
func (s *Simulator) AccountEmail() string { return s.email }

// AccountEmails returns every configured Runway account email, the first
// one first.
func (s *Simulator) AccountEmails() []string { return append([]string(nil), s.accounts...) }

// account returns the configured account named by email (case-insensitive).
func (s *Simulator) account(email string) (string, bool) {
	for _, a := range s.accounts {
		if strings.EqualFold(a, email) {
			return a, true
		}
	}
	return "", false
}

// Stats returns a deep copy of the counters.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CreatesByPath = copyMap(s.stats.CreatesByPath)
	st.Rejected = copyMap(s.stats.Rejected)
	st.Polls = copyMap(s.stats.Polls)
	return st
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Polls returns how many GET /tasks requests asked for taskID.
func (s *Simulator) Polls(taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Polls[taskID]
}

// CompletedAt returns the instant the task turned SUCCEEDED or FAILED. It is
// the computed transition instant, not the time somebody observed it, so
// tests can measure how late a client noticed completion.
func (s *Simulator) CompletedAt(taskID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(s.now())
	t, ok := s.tasks[taskID]
	if !ok || !t.terminal {
		return time.Time{}, false
	}
	return t.completedAt, true
}

// CreatedAt returns the instant the gateway accepted the task's create.
func (s *Simulator) CreatedAt(taskID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[taskID]
	if !ok {
		return time.Time{}, false
	}
	return t.created, true
}

// FirstTerminalPollAt returns when a GET /tasks/{taskId} (or
// GET /tasks/?taskId=) first answered with the task's terminal status: the
// moment a polling client could first notice the completion. Together with
// CompletedAt it measures detection latency. ok is false until such a poll
// happened (task lists do not count: they are not a poll of the task).
func (s *Simulator) FirstTerminalPollAt(taskID string) (at time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.tasks[taskID]
	if !found || t.firstTerminalPoll.IsZero() {
		return time.Time{}, false
	}
	return t.firstTerminalPoll, true
}

// TaskCost returns the credits charged when taskID was created (0 for
// explore mode and for unknown tasks).
func (s *Simulator) TaskCost(taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tasks[taskID]; ok {
		return t.cost
	}
	return 0
}

// Credits returns the plan's permitted and used credits.
func (s *Simulator) Credits() (permitted, used int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.permitted, s.used
}

// SetCredits sets the plan's permitted and used credits; a create whose cost
// exceeds permitted-used answers 412 (unless exploreMode).
func (s *Simulator) SetCredits(permitted, used int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.permitted, s.used = permitted, used
}

// SetTaskDuration changes the RUNNING length of tasks created from now on
// (tasks already created keep their schedule). When Options.QueueDelay was
// left at its default, the queue delay follows as d/10.
func (s *Simulator) SetTaskDuration(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		d = time.Millisecond
	}
	s.taskDur = d
	if s.queueAuto {
		s.queueDelay = d / 10
	}
}

// ForgetTask makes a task vanish as if deleted behind the client's back:
// later GETs answer 404, it frees its capacity slot and never produces an
// artifact. Its counters (Polls, TaskCost, Tasks) are kept.
func (s *Simulator) ForgetTask(taskID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(s.now())
	if t, ok := s.tasks[taskID]; ok {
		s.removeTaskLocked(t)
	}
}

// HoldTasks stalls every unfinished task (and every task created while held)
// in RUNNING with progress below 1, for timeout tests. Releasing resumes the
// tasks from the progress they had reached.
func (s *Simulator) HoldTasks(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.advanceLocked(now)
	if hold == s.hold {
		return
	}
	s.hold = hold
	for _, t := range s.active {
		if hold {
			t.held = true
		} else {
			t.release(now)
		}
	}
}

// Tasks returns the ids of all tasks created, in creation order (forgotten
// and deleted ones included).
func (s *Simulator) Tasks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.order))
	for i, t := range s.order {
		ids[i] = t.taskID
	}
	return ids
}

// DemoAssetIDs returns the ids of the seeded demo assets (empty unless
// Options.SeedDemoAssets); see the package documentation for what they are.
func (s *Simulator) DemoAssetIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.demoIDs...)
}

// newUUID returns a random version 4 UUID, the form Runway uses for task and
// asset ids.
func (s *Simulator) newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// taskIDFor and assetIDFor build the gateway's ids, which name the account
// that owns the task or asset.
func (s *Simulator) taskIDFor(email, uuid string) string {
	return fmt.Sprintf("user:%d-runwayml:%s-task:%s", s.userID, email, uuid)
}

func (s *Simulator) assetIDFor(email, uuid string) string {
	return fmt.Sprintf("user:%d-runwayml:%s-asset:%s", s.userID, email, uuid)
}

// username is an account's display name, as the asset list reports it.
func username(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return name
}

// timestamp formats t the way the gateway does: UTC with milliseconds.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
