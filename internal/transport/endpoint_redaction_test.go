package transport

import (
	"strings"
	"testing"
)

// Endpoints that fail validation are quoted in the error for the person
// fixing the configuration, but never with what may be a credential: a
// password in the userinfo or a key in the query, even when the URL does
// not parse at all.
func TestValidateEndpointRedactsCredentials(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string
	}{
		{"https://user:hunter2@api.useapi.net:bad/v1", "not a valid URL"},
		{"https://user:hunter2@[::1", "not a valid URL"},
		{"https://user:hunter2@api.useapi.net/v1?key=s3cr3t", "user name or password"},
		{"https://api.useapi.net/v1?key=s3cr3t", "query string"},
		{"https://api.useapi.net/v1?key=s3cr3t#frag", "query string or fragment"},
		{"https://api.useapi.net/v1#token=s3cr3t", "query string or fragment"},
		{"https://user:hunter2@api.useapi.net/v1#token=s3cr3t", "user name or password"},
		{"//user:hunter2@api.useapi.net/v1", "user name or password"},
		{"user:hunter2@api.useapi.net/v1?key=s3cr3t", "absolute URL"},
		{"ftp://user:hunter2@api.useapi.net/", "user name or password"},
	}
	for _, tc := range tests {
		_, err := ValidateEndpoint(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ValidateEndpoint(%q) error = %v, want it to contain %q", tc.raw, err, tc.wantErr)
			continue
		}
		for _, secret := range []string{"hunter2", "s3cr3t"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ValidateEndpoint(%q) error repeats %q: %v", tc.raw, secret, err)
			}
		}
		if !strings.Contains(err.Error(), "REDACTED") {
			t.Errorf("ValidateEndpoint(%q) error = %v, want the credential shown as REDACTED", tc.raw, err)
		}
	}
}

// Plain http:// is for loopback only; hosts that merely look local, or that
// other software would resolve to a loopback address, are refused.
func TestValidateEndpointLoopbackLookalikes(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"http://[::ffff:127.0.0.1]:8787/v1", true},
		{"http://127.255.255.254/", true},
		{"http://localhost%2eevil.example/", false},
		{"http://0x7f.0.0.1/", false},
		{"http://2130706433/", false},
		{"http://017700000001/", false},
		{"http://127.1/", false},
		{"http://[::1%25lo]/", false},
		{"http://localhost.localdomain/", false},
		{"http://127.0.0.1@evil.example/", false},
	}
	for _, tc := range tests {
		_, err := ValidateEndpoint(tc.raw)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateEndpoint(%q) error = %v, want accepted = %v", tc.raw, err, tc.ok)
		}
	}
}

// RedactEndpoint keeps what identifies the gateway (scheme, host, path) and
// hides what may be a credential, for endpoints valid or not.
func TestRedactEndpoint(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://api.useapi.net/v1/runwayml", "https://api.useapi.net/v1/runwayml"},
		{"  http://127.0.0.1:8787/v1/runwayml/ ", "http://127.0.0.1:8787/v1/runwayml/"},
		{"https://user:hunter2@api.useapi.net/v1", "https://REDACTED@api.useapi.net/v1"},
		{"https://api.apikley.ru/?key=s3cr3t", "https://api.apikley.ru/?REDACTED"},
		{"https://api.apikley.ru/#token=s3cr3t", "https://api.apikley.ru/#REDACTED"},
		{"https://user:hunter2@api.apikley.ru/x?key=s3cr3t#token=s3cr3t", "https://REDACTED@api.apikley.ru/x?REDACTED#REDACTED"},
		{"https://user:hunter2@api.useapi.net:bad/v1", "https://REDACTED@api.useapi.net:bad/v1"},
		{"user:hunter2@api.useapi.net/v1?key=s3cr3t", "REDACTED@api.useapi.net/v1?REDACTED"},
		{"", ""},
	}
	for _, tc := range tests {
		got := RedactEndpoint(tc.raw)
		if got != tc.want {
			t.Errorf("RedactEndpoint(%q) = %q, want %q", tc.raw, got, tc.want)
		}
		for _, secret := range []string{"hunter2", "s3cr3t"} {
			if strings.Contains(got, secret) {
				t.Errorf("RedactEndpoint(%q) = %q repeats %q", tc.raw, got, secret)
			}
		}
	}
}
