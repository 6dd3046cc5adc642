package transport

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// IsLoopbackHost reports whether host names this machine: "localhost",
// an address in 127.0.0.0/8, or ::1. A port and IPv6 brackets are
// tolerated. Only these hosts may be reached over plain http://, because
// traffic to them never leaves the machine (the simulator, tests, demos).
func IsLoopbackHost(host string) bool {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimPrefix(strings.TrimSuffix(host, "]"), "[")
	host = strings.TrimSuffix(host, ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	// Zones ("::1%lo") are not loopback names a user would write; reject.
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidateEndpoint checks a user-supplied gateway endpoint and returns it
// parsed. It must be an absolute http(s) URL with a host and without
// credentials, query or fragment; http:// is accepted only for loopback
// hosts so that an API token is never sent in clear text over a network.
// Messages are written for the person editing the provider configuration.
func ValidateEndpoint(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("the endpoint is empty: set it to an https:// URL such as https://api.useapi.net/v1/runwayml, or leave it unset to use the default")
	}
	u, err := url.Parse(s)
	if err != nil {
		// The parse error is not wrapped: its text would repeat the raw URL
		// and any credential in it; unwrapURLParse keeps only the reason.
		return nil, fmt.Errorf("the endpoint %q is not a valid URL: %v", redactRaw(s), unwrapURLParse(err)) //nolint:errorlint // see above
	}
	if u.User != nil {
		return nil, fmt.Errorf("the endpoint %q must not contain a user name or password: put the credential in the provider's token setting instead", redactUser(u))
	}
	if u.Scheme == "" || u.Opaque != "" || u.Host == "" {
		return nil, fmt.Errorf("the endpoint %q must be an absolute URL such as https://api.example.com/path", redactRaw(s))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("the endpoint %q must not have a query string or fragment", redactRaw(s))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("the endpoint %q uses http://, which is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1); use https:// so the API token is not sent in clear text", s)
		}
	default:
		return nil, fmt.Errorf("the endpoint %q must use https:// (or http:// for a loopback host), not %s://", s, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("the endpoint %q has no host name", s)
	}
	return u, nil
}

func unwrapURLParse(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// RedactEndpoint returns a gateway endpoint in a form safe to log: the
// scheme, host and path, with any user name and password, query string or
// fragment replaced by REDACTED. It accepts any text, including endpoints
// that ValidateEndpoint would refuse or that do not parse, so a caller may
// log an endpoint it has not validated (yet).
func RedactEndpoint(raw string) string { return redactRaw(strings.TrimSpace(raw)) }

// redactRaw hides, in an endpoint quoted by an error, what may be a
// credential: the user name and password before the last '@' of the
// authority, the query (some APIs take keys there) and the fragment (where
// some put tokens). It works on the raw text because it also serves
// endpoints that do not parse.
func redactRaw(s string) string {
	start := 0 // the authority, or what a user may have meant as one
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	} else if strings.HasPrefix(s, "//") {
		start = 2
	}
	rest := s[start:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		s = s[:start] + "REDACTED" + rest[at:]
	}
	if h := strings.IndexByte(s, '#'); h >= 0 {
		s = s[:h+1] + "REDACTED"
	}
	if q := strings.IndexByte(s, '?'); q >= 0 {
		frag := ""
		if h := strings.IndexByte(s[q:], '#'); h >= 0 {
			frag = s[q+h:]
		}
		s = s[:q+1] + "REDACTED" + frag
	}
	return s
}

func redactUser(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	if c.RawQuery != "" {
		c.RawQuery = "REDACTED"
	}
	if c.Fragment != "" {
		c.Fragment, c.RawFragment = "REDACTED", ""
	}
	return c.String()
}
