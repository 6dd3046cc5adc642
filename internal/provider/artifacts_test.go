package provider

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

func signedURL(path string, iat, exp time.Time) string {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"iat":%d,"exp":%d}`, iat.Unix(), exp.Unix())))
	return fmt.Sprintf("%s?_jwt=%s.%s.c2ln", path, header, claims)
}

func TestStableURL(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	day := 24 * time.Hour
	oldLong := signedURL("https://cdn.example.com/a.mp4", now.Add(-time.Hour), now.Add(day))
	freshLong := signedURL("https://cdn.example.com/a.mp4", now, now.Add(day+time.Hour))
	oldExpiring := signedURL("https://cdn.example.com/a.mp4", now.Add(-day), now.Add(30*time.Minute))
	oldExpired := signedURL("https://cdn.example.com/a.mp4", now.Add(-2*day), now.Add(-time.Minute))
	// One hour lifetime: renewed in its last quarter (15 min).
	shortOld := signedURL("https://cdn.example.com/a.mp4", now.Add(-30*time.Minute), now.Add(30*time.Minute))
	shortOldLate := signedURL("https://cdn.example.com/a.mp4", now.Add(-50*time.Minute), now.Add(10*time.Minute))
	otherFile := signedURL("https://cdn.example.com/b.mp4", now, now.Add(day))

	cases := []struct {
		name, old, fresh, want string
	}{
		{"no old URL", "", freshLong, freshLong},
		{"valid old URL kept", oldLong, freshLong, oldLong},
		{"expiring within the margin replaced", oldExpiring, freshLong, freshLong},
		{"expired replaced", oldExpired, freshLong, freshLong},
		{"short-lived, early in its life: kept", shortOld, freshLong, shortOld},
		{"short-lived, last quarter: replaced", shortOldLate, freshLong, freshLong},
		{"different file replaced", oldLong, otherFile, otherFile},
		{"unsigned old URL replaced by fresh", "https://cdn.example.com/a.mp4?x=1", freshLong, freshLong},
		{"identical", freshLong, freshLong, freshLong},
		{"garbage token", "https://cdn.example.com/a.mp4?_jwt=a.%%%.c", freshLong, freshLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := stableURL(c.old, c.fresh, now); got != c.want {
				t.Errorf("stableURL() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestURLSignatureWindow(t *testing.T) {
	// The fixture URL of a succeeded task (iat 1722474249, exp 1722560649).
	const fixture = "https://cdn.example.com/9a8b7c6d.mp4?_jwt=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MjI0NzQyNDksImV4cCI6MTcyMjU2MDY0OX0.c2lnbmF0dXJl"
	iat, exp, ok := urlSignatureWindow(fixture)
	if !ok || iat.Unix() != 1722474249 || exp.Unix() != 1722560649 {
		t.Fatalf("urlSignatureWindow = %v %v %v", iat.Unix(), exp.Unix(), ok)
	}
	for _, bad := range []string{"", "https://x/y.mp4", "https://x/y.mp4?_jwt=abc", "https://x/y.mp4?_jwt=a.e30.c", "%zz"} {
		if _, _, ok := urlSignatureWindow(bad); ok {
			t.Errorf("urlSignatureWindow(%q) ok, want not ok", bad)
		}
	}
}

// FuzzURLSignatureWindow checks the properties that keep a refresh from
// ever handing out a dead URL or a URL of another file, whatever the
// gateway answers: stableURL picks old or fresh, never anything else; the
// same URL is kept; a URL of another file (another path before "?") is
// always taken; and an old URL is kept only when its signature is readable
// and still valid now, in which case it was valid earlier too.
func FuzzURLSignatureWindow(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	day := 24 * time.Hour
	f.Add("https://cdn.example.com/9a8b7c6d.mp4?_jwt=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MjI0NzQyNDksImV4cCI6MTcyMjU2MDY0OX0.c2lnbmF0dXJl",
		"https://cdn.example.com/9a8b7c6d.mp4?_jwt=x", int32(0))
	f.Add("https://x/y?_jwt=a.b.c", "https://x/y?_jwt=a.b.d", int32(0))
	f.Add(signedURL("https://cdn.example.com/a.mp4", now.Add(-time.Hour), now.Add(day)),
		signedURL("https://cdn.example.com/a.mp4", now, now.Add(day+time.Hour)), int32(0))
	f.Add(signedURL("https://cdn.example.com/a.mp4", now.Add(-50*time.Minute), now.Add(10*time.Minute)),
		signedURL("https://cdn.example.com/a.mp4", now, now.Add(day)), int32(-3600))
	f.Add(signedURL("https://cdn.example.com/a.mp4", now, now.Add(day)),
		signedURL("https://cdn.example.com/b.mp4", now, now.Add(day)), int32(60))
	f.Add("", "https://cdn.example.com/a.mp4", int32(0))
	f.Fuzz(func(t *testing.T, old, fresh string, offset int32) {
		at := now.Add(time.Duration(offset) * time.Second)

		iat, exp, ok := urlSignatureWindow(old)
		if !ok && (!iat.IsZero() || !exp.IsZero()) {
			t.Fatalf("urlSignatureWindow(%q) = %v, %v without ok", old, iat, exp)
		}

		got := stableURL(old, fresh, at)
		if got != old && got != fresh {
			t.Fatalf("stableURL(%q, %q) = %q: neither", old, fresh, got)
		}
		if same := stableURL(old, old, at); same != old {
			t.Fatalf("stableURL(x, x) = %q, want x = %q", same, old)
		}
		if first := stableURL("", fresh, at); first != fresh {
			t.Fatalf("stableURL(\"\", %q) = %q, want the fresh URL", fresh, first)
		}
		// Another file: another path before "?", any query after it.
		other := stripQuery(old) + "x" + strings.TrimPrefix(fresh, stripQuery(fresh))
		if o := stableURL(old, other, at); o != other {
			t.Fatalf("stableURL(%q, %q) = %q, want the URL of the other file", old, other, o)
		}
		if got == old && old != fresh {
			if !ok || !at.Before(exp) {
				t.Fatalf("stableURL kept %q at %v, but its signature (ok %v) ends %v", old, at, ok, exp)
			}
			if stripQuery(old) != stripQuery(fresh) {
				t.Fatalf("stableURL kept %q over %q, another file", old, fresh)
			}
			if earlier := stableURL(old, fresh, at.Add(-time.Hour)); earlier != old {
				t.Fatalf("stableURL kept %q at %v but not an hour earlier", old, at)
			}
		}
	})
}
