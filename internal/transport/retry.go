package transport

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy tunes retries and waits. The zero value means "use the
// defaults", so callers only set what their users configured.
type RetryPolicy struct {
	// MaxRetries bounds retries of idempotent requests (GET/DELETE) after
	// the first attempt, and retries of any request whose connection was
	// refused. 0 means the default (5); a negative value disables these
	// retries. It does not bound resubmits of a create after HTTP 429: those
	// go on until the context ends, because a 429 proves nothing was created
	// and waiting for capacity is the whole point.
	MaxRetries int
	// MinBackoff is the first backoff step (default 1s).
	MinBackoff time.Duration
	// MaxBackoff caps the exponential backoff (default 30s).
	MaxBackoff time.Duration
	// BusyMinBackoff is the shortest wait before resubmitting a create that
	// got HTTP 429 (default 10s, the gateway's own advice).
	BusyMinBackoff time.Duration
	// BusyMaxBackoff is the longest such wait (default 30s); the actual wait
	// is random in [BusyMinBackoff, BusyMaxBackoff] so that many resources
	// waiting on one account do not resubmit in lockstep.
	BusyMaxBackoff time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 60s), so a bogus
	// header cannot park the provider for hours.
	MaxRetryAfter time.Duration
}

// Default retry settings, exported so that provider documentation can quote
// them without repeating the numbers.
const (
	DefaultMaxRetries     = 5
	DefaultMinBackoff     = time.Second
	DefaultMaxBackoff     = 30 * time.Second
	DefaultBusyMinBackoff = 10 * time.Second
	DefaultBusyMaxBackoff = 30 * time.Second
	DefaultMaxRetryAfter  = 60 * time.Second
)

// DefaultRetryPolicy returns the policy used for zero fields.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{}.withDefaults()
}

// withDefaults fills zero fields and repairs inverted ranges, so that a
// half-configured policy still behaves sensibly.
func (p RetryPolicy) withDefaults() RetryPolicy {
	p.MaxRetries = Setting(p.MaxRetries, DefaultMaxRetries)
	p.MinBackoff, p.MaxBackoff = WaitRange(p.MinBackoff, p.MaxBackoff, DefaultMinBackoff, DefaultMaxBackoff)
	p.BusyMinBackoff, p.BusyMaxBackoff = WaitRange(p.BusyMinBackoff, p.BusyMaxBackoff, DefaultBusyMinBackoff, DefaultBusyMaxBackoff)
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// Backoff returns the wait before retry number n (0-based) using capped
// exponential backoff with "equal jitter": the wait is random in
// [cap/2, cap] where cap = min(MaxBackoff, MinBackoff*2^n), and never below
// MinBackoff. Equal rather than full jitter keeps a floor under the wait so
// that a struggling server is never hit again immediately. rnd must return
// a value in [0,1); nil means no jitter (the upper bound).
func (p RetryPolicy) Backoff(n int, rnd func() float64) time.Duration {
	p = p.withDefaults()
	ceil := p.MinBackoff
	for i := 0; i < n && ceil < p.MaxBackoff; i++ {
		ceil *= 2
	}
	if ceil > p.MaxBackoff {
		ceil = p.MaxBackoff
	}
	r := 1.0
	if rnd != nil {
		r = clamp01(rnd())
	}
	d := ceil/2 + time.Duration(float64(ceil/2)*r)
	if d < p.MinBackoff {
		d = p.MinBackoff
	}
	return d
}

// BusyBackoff returns the wait before resubmitting a create after HTTP 429:
// random in [BusyMinBackoff, BusyMaxBackoff].
func (p RetryPolicy) BusyBackoff(rnd func() float64) time.Duration {
	p = p.withDefaults()
	r := 0.5
	if rnd != nil {
		r = clamp01(rnd())
	}
	return p.BusyMinBackoff + time.Duration(float64(p.BusyMaxBackoff-p.BusyMinBackoff)*r)
}

func clamp01(v float64) float64 {
	if !(v >= 0) { // also catches NaN
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// ParseRetryAfter reads a Retry-After header, given either as delay seconds
// or as an HTTP date (interpreted against now). A date in the past yields 0.
// The second result is false when the header is absent or unparsable, so
// callers fall back to their own backoff.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// RetryableStatus reports whether an idempotent request (a GET, a
// download) should be retried after this status: 429 and 5xx, except 501,
// which means the server will never do it. It is the one rule for every
// HTTP client of the provider.
func RetryableStatus(code int) bool {
	if code == http.StatusTooManyRequests {
		return true
	}
	return code >= 500 && code <= 599 && code != http.StatusNotImplemented
}

// RetryDelay returns the wait before retry number n (0-based) of an
// idempotent request whose answer carried header h: the server's
// Retry-After (see ParseRetryAfter), capped at MaxRetryAfter, when it sent
// a readable one, else Backoff(n, rnd).
func (p RetryPolicy) RetryDelay(n int, h http.Header, now time.Time, rnd func() float64) time.Duration {
	p = p.withDefaults()
	if ra, ok := ParseRetryAfter(h, now); ok {
		return min(ra, p.MaxRetryAfter)
	}
	return p.Backoff(n, rnd)
}
