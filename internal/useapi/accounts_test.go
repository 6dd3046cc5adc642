package useapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// accountsAnswer is GET /accounts as documented: an object keyed by email,
// each account echoing its password and session JWT.
const accountsAnswer = `{
  "jane@example.com": {"email": "jane@example.com", "password": "hunter2-secret", "maxJobs": 5,
    "jwt": {"token": "eyJ.jwt-secret.sig", "exp": 1767225600, "iat": 1764633600, "id": 777}},
  "ops@example.com": {"password": "ops-secret", "maxJobs": "2", "error": "Wrong username/password combination.",
    "jwt": {"token": "eyJ.other-secret.sig"}}
}`

func TestListAccounts(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     map[string]Account // MaxJobs compared as Int64
		wantErr  func(error) bool
		errLacks []string // secrets that must not appear in the error
	}{
		{
			name: "two accounts", status: 200, body: accountsAnswer,
			want: map[string]Account{
				"jane@example.com": {Email: "jane@example.com", MaxJobs: Number(5)},
				"ops@example.com":  {Email: "ops@example.com", MaxJobs: Number(2), Error: "Wrong username/password combination."},
			},
		},
		{name: "404 means none configured", status: 404, body: `{"error":"Configuration not found. To create configuration use POST /accounts/email","code":404}`, want: map[string]Account{}},
		{name: "null body", status: 200, body: `null`, want: map[string]Account{}},
		{name: "empty object", status: 200, body: `{}`, want: map[string]Account{}},
		{
			name: "error object on an account", status: 200,
			body: `{"a@b.c":{"email":"a@b.c","maxJobs":1,"error":{"message":"This account has been suspended."}}}`,
			want: map[string]Account{"a@b.c": {Email: "a@b.c", MaxJobs: Number(1), Error: `{"message":"This account has been suspended."}`}},
		},
		{name: "401", status: 401, body: `{"error":"Unauthorized","code":401}`, wantErr: IsUnauthorized},
		{
			name: "array instead of object", status: 200, body: `[{"email":"a@b.c","password":"pw-secret"}]`,
			wantErr: isDecodeError, errLacks: []string{"pw-secret"},
		},
		{
			name: "account of the wrong shape", status: 200, body: `{"a@b.c":{"email":"a@b.c","password":"pw-secret","maxJobs":1},"x":"pw2-secret"}`,
			wantErr: isDecodeError, errLacks: []string{"pw-secret", "pw2-secret"},
		},
		{
			name: "malformed JSON", status: 200, body: `{"a@b.c":{"password":"pw-secret"`,
			wantErr: isDecodeError, errLacks: []string{"pw-secret"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				reply(w, tt.status, []byte(tt.body))
			})
			c, _, logs := testClient(t, g, nil)
			got, err := c.ListAccounts(context.Background())
			if reqs := g.Requests(); len(reqs) == 0 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/v1/runwayml/accounts" {
				t.Fatalf("requests = %+v, want GET /v1/runwayml/accounts", reqs)
			}
			for _, secret := range []string{"hunter2-secret", "jwt-secret", "ops-secret", "pw-secret"} {
				if strings.Contains(logs.Text(), secret) {
					t.Errorf("a log line holds %q:\n%s", secret, logs.Text())
				}
			}
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("err = %v, want the expected kind", err)
				}
				for _, s := range tt.errLacks {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q quotes the secret %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ListAccounts: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d accounts %+v, want %d", len(got), got, len(tt.want))
			}
			for key, w := range tt.want {
				a, ok := got[key]
				if !ok {
					t.Fatalf("account %q missing from %+v", key, got)
				}
				gj, _ := a.MaxJobs.Int64()
				wj, _ := w.MaxJobs.Int64()
				if a.Email != w.Email || gj != wj || a.Error != w.Error {
					t.Errorf("account %q = {%q %d %q}, want {%q %d %q}", key, a.Email, gj, a.Error, w.Email, wj, w.Error)
				}
			}
		})
	}
}

func isDecodeError(err error) bool {
	var de *DecodeError
	return errors.As(err, &de)
}

func TestGetAccount(t *testing.T) {
	tests := []struct {
		name, email string
		status      int
		body        string
		wantPath    string
		wantJobs    int64
		wantErr     func(error) bool
	}{
		{
			name: "found", email: "jane@example.com", status: 200,
			body:     `{"email":"jane@example.com","password":"hunter2-secret","maxJobs":5,"jwt":{"token":"t-secret"}}`,
			wantPath: "/v1/runwayml/accounts/jane@example.com", wantJobs: 5,
		},
		{
			name: "email filled from the request", email: "a+b@example.com", status: 200, body: `{"maxJobs":"3"}`,
			wantPath: "/v1/runwayml/accounts/a+b@example.com", wantJobs: 3,
		},
		{
			name: "unknown", email: "nobody@example.com", status: 404,
			body:     `{"error":"Configuration not found. To create configuration use POST /accounts/email","code":404}`,
			wantPath: "/v1/runwayml/accounts/nobody@example.com", wantErr: IsNotFound,
		},
		{name: "empty email", email: " ", wantErr: func(err error) bool { var v *ValidationError; return errors.As(err, &v) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				reply(w, tt.status, []byte(tt.body))
			})
			c, _, _ := testClient(t, g, nil)
			a, err := c.GetAccount(context.Background(), tt.email)
			if tt.wantPath != "" {
				if reqs := g.Requests(); len(reqs) != 1 || reqs[0].Path != tt.wantPath {
					t.Fatalf("requests = %+v, want one to %s", reqs, tt.wantPath)
				}
			} else if g.Count() != 0 {
				t.Fatalf("%d requests sent for an invalid email", g.Count())
			}
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("err = %v, want the expected kind", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetAccount: %v", err)
			}
			if jobs, _ := a.MaxJobs.Int64(); a.Email != tt.email || jobs != tt.wantJobs {
				t.Errorf("account = {%q %d}, want {%q %d}", a.Email, jobs, tt.email, tt.wantJobs)
			}
		})
	}
}

func TestGetFeatures(t *testing.T) {
	type credits struct {
		permitted, used, remaining int64
		ok                         bool // all three known
	}
	tests := []struct {
		name      string
		email     string
		status    int
		body      string
		wantQuery string
		want      credits
		wantField string // a top-level field kept verbatim
		wantErr   func(error) bool
	}{
		{
			name: "documented subset", status: 200,
			body: `{"permitted":{"storageGB":500,"numPlanCredits":2250},"used":{"numPlanCredits":625}}`,
			want: credits{2250, 625, 1625, true},
		},
		{
			name: "numbers as strings and unknown fields kept", email: "jane@example.com", status: 200,
			body:      `{"permitted":{"storageGB":"100","numPlanCredits":"625","gen4":true},"used":{"numPlanCredits":"25","storageGB":1},"teams":[{"id":9,"name":"studio"}]}`,
			wantQuery: "email=jane%40example.com", want: credits{625, 25, 600, true}, wantField: "teams",
		},
		{
			name: "overspent plan has nothing remaining", status: 200,
			body: `{"permitted":{"numPlanCredits":100},"used":{"numPlanCredits":130}}`,
			want: credits{100, 130, 0, true},
		},
		{
			name: "used of the wrong shape", status: 200,
			body: `{"permitted":{"numPlanCredits":100},"used":42}`,
			want: credits{permitted: 100}, wantField: "used",
		},
		{name: "empty object", status: 200, body: `{}`},
		{name: "unknown email", email: "nobody@example.com", status: 404, body: `{"error":"Not found.","code":404}`, wantQuery: "email=nobody%40example.com", wantErr: IsNotFound},
		{name: "not JSON", status: 200, body: `<html>oops</html>`, wantErr: isDecodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				reply(w, tt.status, []byte(tt.body))
			})
			c, _, _ := testClient(t, g, nil)
			f, err := c.GetFeatures(context.Background(), tt.email)
			reqs := g.Requests()
			if len(reqs) != 1 || reqs[0].Path != "/v1/runwayml/features/" {
				t.Fatalf("requests = %+v, want one GET /v1/runwayml/features/", reqs)
			}
			if got := strings.TrimPrefix(reqs[0].RequestURI, "/v1/runwayml/features/?"); tt.wantQuery != "" && got != tt.wantQuery {
				t.Errorf("query = %q, want %q", got, tt.wantQuery)
			}
			if tt.wantQuery == "" && strings.Contains(reqs[0].RequestURI, "?") {
				t.Errorf("request %q sends a query without an email", reqs[0].RequestURI)
			}
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("err = %v, want the expected kind", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetFeatures: %v", err)
			}
			p, okP := f.CreditsPermitted()
			u, okU := f.CreditsUsed()
			r, okR := f.CreditsRemaining()
			if tt.want.ok {
				if !okP || !okU || !okR || p != tt.want.permitted || u != tt.want.used || r != tt.want.remaining {
					t.Errorf("credits = %d/%v %d/%v %d/%v, want %+v", p, okP, u, okU, r, okR, tt.want)
				}
			} else {
				if okR {
					t.Errorf("remaining = %d, want unknown", r)
				}
				if tt.want.permitted != 0 && (!okP || p != tt.want.permitted) {
					t.Errorf("permitted = %d/%v, want %d", p, okP, tt.want.permitted)
				}
			}
			if tt.wantField != "" {
				if _, ok := f.Fields[tt.wantField]; !ok {
					t.Errorf("field %q not kept: %v", tt.wantField, f.Fields)
				}
			}
		})
	}
}
