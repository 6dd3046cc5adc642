package transport

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// secretParts returns the pieces of a raw endpoint that may hold a
// credential: the userinfo before the last '@' of the authority, and the
// query. Pieces shorter than 4 bytes (net/url quotes a bad 3-byte escape
// such as "%zz"), or that also occur elsewhere in the endpoint (where an
// error message may legitimately quote them), are left out.
func secretParts(raw string) []string {
	s := strings.TrimSpace(raw)
	var parts []string
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			parts = append(parts, rest[:at])
		}
	}
	beforeFragment, _, _ := strings.Cut(s, "#")
	if _, query, ok := strings.Cut(beforeFragment, "?"); ok {
		parts = append(parts, query)
	}
	var out []string
	for _, p := range parts {
		if len(p) >= 4 && strings.Count(s, p) == 1 {
			out = append(out, p)
		}
	}
	return out
}

// ValidateEndpoint decides whether an API token may be sent to a URL. For
// any input: an accepted endpoint is https://, or http:// to a loopback
// host, without credentials, query or fragment, and parses back to the same
// host (no parser differential); a refused one's message never repeats what
// could be a password or a key in the query.
func FuzzValidateEndpoint(f *testing.F) {
	for _, s := range []string{
		"https://api.useapi.net/v1/runwayml",
		"http://127.0.0.1:8787/v1/runwayml",
		"http://[::1]:8080/x",
		"http://localhost./v1",
		"http://api.useapi.net/v1",
		"https://user:hunter2@api.useapi.net/v1",
		"https://user:hunter2@api.useapi.net:bad/v1",
		"https://user:hunter2@[::1",
		"https://api.useapi.net/v1?key=s3cr3t",
		"http://127.0.0.1.nip.io/",
		"http://127.0.0.1%2f@evil.example/",
		"http://0x7f.0.0.1/",
		"http://[::ffff:127.0.0.1]/",
		"HTTP://LOCALHOST:1/",
		"mailto:someone@example.com",
		" https://a\t/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ValidateEndpoint(raw)
		if err != nil {
			if u != nil {
				t.Fatalf("ValidateEndpoint(%q) returned a URL with an error", raw)
			}
			// A quoted secret is one the message repeats because it was
			// in the input: with other characters in its place, the
			// message no longer contains it (the fixed wording may).
			for _, secret := range secretParts(raw) {
				other := strings.Repeat("Z", len(secret))
				if other == secret {
					other = strings.Repeat("Y", len(secret))
				}
				_, err2 := ValidateEndpoint(strings.Replace(raw, secret, other, 1))
				if strings.Contains(err.Error(), secret) && err2 != nil && !strings.Contains(err2.Error(), secret) {
					t.Fatalf("ValidateEndpoint(%q): the error repeats %q: %v", raw, secret, err)
				}
			}
			return
		}
		switch {
		case u.User != nil:
			t.Fatalf("accepted %q with credentials", raw)
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			t.Fatalf("accepted %q with a query or fragment", raw)
		case u.Hostname() == "":
			t.Fatalf("accepted %q without a host", raw)
		case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
			t.Fatalf("accepted plain http to %q, not a loopback host", u.Hostname())
		case u.Scheme != "http" && u.Scheme != "https":
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		again, err := url.Parse(u.String())
		if err != nil || again.Hostname() != u.Hostname() || again.Scheme != u.Scheme {
			t.Fatalf("%q does not parse back to the host it was accepted for (%q): %v", u.String(), u.Hostname(), err)
		}
	})
}

// Retry-After comes from the network: whatever it holds, the wait it
// yields is never negative, and a plain number of seconds is read exactly.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "1", "120", "-1", "9999999999999999999", " 7 ", "1.5",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "garbage"} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set("Retry-After", v)
		d, ok := ParseRetryAfter(h, now)
		if d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v without ok", v, d)
		}
		if strings.TrimSpace(h.Get("Retry-After")) == "" && ok {
			t.Fatalf("ParseRetryAfter(%q): ok for an empty header", v)
		}
	})
}
