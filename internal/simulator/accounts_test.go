package simulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAccountEndpoints(t *testing.T) {
	e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 4})
	accountKeys := "email,jwt,maxJobs,password"
	checkAccount := func(t *testing.T, v any) {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("account is %T, want an object", v)
		}
		if got := strings.Join(keysOf(m), ","); got != accountKeys {
			t.Errorf("account keys %s, want %s", got, accountKeys)
		}
		if str(m["email"]) != DefaultAccountEmail || str(m["password"]) != MaskedPassword || num(t, m["maxJobs"]) != 4 {
			t.Errorf("account = %v", m)
		}
		jwt, _ := m["jwt"].(map[string]any)
		if str(jwt["token"]) != e.sim.SessionToken() || num(t, jwt["exp"]) <= num(t, jwt["iat"]) {
			t.Errorf("jwt = %v", jwt)
		}
	}
	tests := []struct {
		name, method, path string
		noAuth             bool
		status             int
		check              func(t *testing.T, v any)
	}{
		{name: "list", method: http.MethodGet, path: "/accounts", status: 200, check: func(t *testing.T, v any) {
			m, _ := v.(map[string]any)
			if len(m) != 1 {
				t.Fatalf("accounts = %v, want one keyed by email", v)
			}
			checkAccount(t, m[DefaultAccountEmail])
		}},
		{name: "list with trailing slash", method: http.MethodGet, path: "/accounts/", status: 200, check: func(t *testing.T, v any) {
			checkAccount(t, v.(map[string]any)[DefaultAccountEmail])
		}},
		{name: "one account", method: http.MethodGet, path: "/accounts/" + DefaultAccountEmail, status: 200, check: checkAccount},
		{name: "escaped email, other case", method: http.MethodGet, path: "/accounts/" + url.PathEscape("Demo@Runway.local"), status: 200, check: checkAccount},
		{name: "unknown account", method: http.MethodGet, path: "/accounts/nobody@example.com", status: 404, check: func(t *testing.T, v any) {
			if msg := str(v.(map[string]any)["error"]); msg != accountNotFoundMessage {
				t.Errorf("error = %q", msg)
			}
		}},
		{name: "account management is not simulated", method: http.MethodPost, path: "/accounts/" + DefaultAccountEmail, status: 405},
		{name: "no token", method: http.MethodGet, path: "/accounts", noAuth: true, status: 401},
		{name: "features", method: http.MethodGet, path: "/features/", status: 200, check: func(t *testing.T, v any) {
			if got := strings.Join(keysOf(v.(map[string]any)), ","); got != "permitted,teams,used" {
				t.Errorf("features keys %s", got)
			}
			if p, u := num(t, dig(t, v, "permitted", "numPlanCredits")), num(t, dig(t, v, "used", "numPlanCredits")); p != DefaultCredits || u != 0 {
				t.Errorf("credits permitted %v used %v, want %d and 0", p, u, DefaultCredits)
			}
			if s := num(t, dig(t, v, "permitted", "storageGB")); s != storageGB {
				t.Errorf("storageGB = %v", s)
			}
		}},
		{name: "features without slash, by email", method: http.MethodGet, path: "/features?email=" + url.QueryEscape(DefaultAccountEmail), status: 200},
		{name: "features of an unknown account", method: http.MethodGet, path: "/features/?email=nobody%40example.com", status: 404},
		{name: "features read-only", method: http.MethodDelete, path: "/features/", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header map[string]string
			if tt.noAuth {
				header = map[string]string{"Authorization": ""}
			}
			resp, data := e.request(tt.method, tt.path, nil, header)
			if resp.StatusCode != tt.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tt.method, tt.path, resp.StatusCode, tt.status, data)
			}
			if tt.check != nil {
				tt.check(t, decodeJSON(t, data))
			}
		})
	}
}

// The features endpoint's used credits are exactly what the creates
// charged, so that tests can compare a cost estimate with TaskCost.
func TestFeaturesUsedCreditsAreTheSumOfTaskCosts(t *testing.T) {
	tests := []struct {
		name    string
		creates []struct {
			path string
			body map[string]any
			want int
		}
		wantUsed int
	}{
		{name: "nothing created", wantUsed: 0},
		{
			name: "one of each endpoint",
			creates: []struct {
				path string
				body map[string]any
				want int
			}{
				{PathGen2Extend, map[string]any{"assetId": demoVideo4s}, 200},
				{PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "noir", "seconds": 10}, 200},
				{PathGen3TurboExpand, map[string]any{"videoAssetId": demoVideo5s, "seconds": 5}, 200},
			},
			wantUsed: 20 + 100 + 25,
		},
		{
			name: "explore mode and refused creates cost nothing",
			creates: []struct {
				path string
				body map[string]any
				want int
			}{
				{PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "free", "exploreMode": true}, 200},
				{PathGen3Video, map[string]any{"assetId": demoVideo5s, "text_prompt": "forbidden scene"}, 422},
				{PathGen3Video, map[string]any{"assetId": demoVideo5s}, 400},
				{PathGen2Extend, map[string]any{"assetId": demoVideo5s}, 200},
			},
			wantUsed: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{SeedDemoAssets: true, MaxJobs: 10})
			for _, c := range tt.creates {
				e.advance(time.Second)
				e.create(c.path, c.body, c.want)
			}
			sum := 0
			for _, id := range e.sim.Tasks() {
				sum += e.sim.TaskCost(id)
			}
			status, v := e.call(http.MethodGet, "/features/", nil)
			if status != 200 {
				t.Fatalf("features: %d %v", status, v)
			}
			used := int(num(t, dig(t, v, "used", "numPlanCredits")))
			if used != sum || used != tt.wantUsed {
				t.Errorf("used = %d, sum of TaskCost = %d, want %d", used, sum, tt.wantUsed)
			}
			if _, u := e.sim.Credits(); u != used {
				t.Errorf("Credits() used = %d, features says %d", u, used)
			}
			raw, _ := json.Marshal(v)
			if strings.Contains(string(raw), MaskedPassword) {
				t.Errorf("features answer holds the account password: %s", raw)
			}
		})
	}
}
