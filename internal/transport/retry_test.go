package transport

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestRetryableStatus(t *testing.T) {
	tests := []struct {
		code int
		want bool
	}{
		{200, false},
		{206, false},
		{301, false},
		{400, false},
		{401, false},
		{403, false},
		{404, false},
		{408, false},
		{410, false},
		{429, true},
		{500, true},
		{501, false},
		{502, true},
		{503, true},
		{504, true},
		{599, true},
		{600, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			if got := RetryableStatus(tc.code); got != tc.want {
				t.Errorf("RetryableStatus(%d) = %v, want %v", tc.code, got, tc.want)
			}
		})
	}
}

func TestRetryDelay(t *testing.T) {
	now := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	p := RetryPolicy{MinBackoff: time.Second, MaxBackoff: 10 * time.Second, MaxRetryAfter: 20 * time.Second}
	tests := []struct {
		name       string
		policy     RetryPolicy
		n          int
		retryAfter string
		want       time.Duration
	}{
		{name: "no header: backoff", policy: p, n: 2, want: p.Backoff(2, fixedRand(0.5))},
		{name: "garbage: backoff", policy: p, n: 1, retryAfter: "soon", want: p.Backoff(1, fixedRand(0.5))},
		{name: "seconds", policy: p, retryAfter: "7", want: 7 * time.Second},
		{name: "zero", policy: p, n: 3, retryAfter: "0", want: 0},
		{name: "capped", policy: p, retryAfter: "3600", want: 20 * time.Second},
		{name: "capped by default", retryAfter: "3600", want: DefaultMaxRetryAfter},
		{name: "http date", policy: p, retryAfter: now.Add(15 * time.Second).Format(http.TimeFormat), want: 15 * time.Second},
		{name: "http date in the past", policy: p, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.retryAfter != "" {
				h.Set("Retry-After", tc.retryAfter)
			}
			if got := tc.policy.RetryDelay(tc.n, h, now, fixedRand(0.5)); got != tc.want {
				t.Errorf("RetryDelay(%d, %q) = %v, want %v", tc.n, tc.retryAfter, got, tc.want)
			}
		})
	}
}
