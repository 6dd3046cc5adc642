package transport

import (
	"strings"
	"testing"
)

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"localhost.", true},
		{"localhost:8080", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"127.0.0.1:9999", true},
		{"::1", true},
		{"[::1]", true},
		{"[::1]:8080", true},
		{"0:0:0:0:0:0:0:1", true},
		{"128.0.0.1", false},
		{"10.0.0.1", false},
		{"192.168.1.1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"api.useapi.net", false},
		{"localhost.example.com", false},
		{"mylocalhost", false},
		{"127.0.0.1.nip.io", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := IsLoopbackHost(tc.host); got != tc.want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string // substring; empty means valid
	}{
		{"https://api.useapi.net/v1/runwayml", ""},
		{"https://api.useapi.net/v1/runwayml/", ""},
		{"  https://api.useapi.net/v1/runwayml  ", ""},
		{"HTTPS://API.USEAPI.NET/v1/runwayml", ""},
		{"https://api.apikley.ru", ""},
		{"https://example.com:8443/base", ""},
		{"http://localhost:8080/v1/runwayml", ""},
		{"http://127.0.0.1:1234", ""},
		{"http://127.9.9.9", ""},
		{"http://[::1]:8080/x", ""},
		{"", "empty"},
		{"   ", "empty"},
		{"http://api.useapi.net/v1/runwayml", "allowed only for loopback"},
		{"http://10.0.0.1:8080", "allowed only for loopback"},
		{"http://localhost.evil.com", "allowed only for loopback"},
		{"ftp://example.com", "must use https://"},
		{"api.useapi.net/v1/runwayml", "absolute URL"},
		{"/v1/runwayml", "absolute URL"},
		{"https://", "absolute URL"},
		{"https://user:pw@api.useapi.net", "user name or password"},
		{"https://api.useapi.net/v1?token=abc", "query string"},
		{"https://api.useapi.net/v1#frag", "query string or fragment"},
		{"https://api.useapi.net:bad/", "not a valid URL"},
		{"mailto:someone@example.com", "absolute URL"},
	}
	for _, tc := range tests {
		u, err := ValidateEndpoint(tc.raw)
		if tc.wantErr == "" {
			if err != nil || u == nil {
				t.Errorf("ValidateEndpoint(%q) = %v", tc.raw, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ValidateEndpoint(%q) error = %v, want it to contain %q", tc.raw, err, tc.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}
