package useapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/testfake"
	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

const fixtureAssetID = "user:1234-runwayml:someone@example.com-asset:9a8b7c6d-1111-2222-3333-444455556666"

type createCase struct {
	name    string
	path    string
	prefix  string
	call    func(ctx context.Context, c *Client) (*Task, error)
	body    string
	invalid func(ctx context.Context, c *Client) (*Task, error)
}

var createCases = []createCase{
	{
		name: "gen2 extend", path: "/gen2/extend", prefix: "gen2_extend",
		call: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen2Extend(ctx, &Gen2ExtendRequest{AssetID: fixtureAssetID, Interpolate: ptr(false), Horizontal: ptr(int64(-3)), CreateOptions: CreateOptions{Seed: ptr(int64(42)), ExploreMode: ptr(true), MaxJobs: ptr(int64(2))}})
		},
		body: `{"assetId":"` + fixtureAssetID + `","interpolate":false,"horizontal":-3,"seed":42,"exploreMode":true,"maxJobs":2}`,
		invalid: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen2Extend(ctx, &Gen2ExtendRequest{AssetID: "a", Motion: ptr(int64(3)), Zoom: ptr(int64(1))})
		},
	},
	{
		name: "gen3 video", path: "/gen3/video", prefix: "gen3_video",
		call: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen3Video(ctx, &Gen3VideoRequest{AssetID: fixtureAssetID, TextPrompt: "a calm lake at dawn", StructureTransformation: ptr(3.5), Seconds: ptr(int64(10)), CreateOptions: CreateOptions{ReplyURL: ptr("https://webhook.site/abc"), ReplyRef: ptr("ref-1")}})
		},
		body: `{"assetId":"` + fixtureAssetID + `","text_prompt":"a calm lake at dawn","structure_transformation":3.5,"seconds":10,"replyUrl":"https://webhook.site/abc","replyRef":"ref-1"}`,
		invalid: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen3Video(ctx, &Gen3VideoRequest{AssetID: "a"})
		},
	},
	{
		name: "gen3turbo expand", path: "/gen3turbo/expand", prefix: "gen3turbo_expand",
		call: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen3TurboExpand(ctx, &Gen3TurboExpandRequest{VideoAssetID: fixtureAssetID, TextPrompt: ptr("wider"), Seconds: ptr(int64(5)), OutpaintAspectRatio: ptr("portrait")})
		},
		body: `{"videoAssetId":"` + fixtureAssetID + `","text_prompt":"wider","seconds":5,"outpaint_aspect_ratio":"portrait"}`,
		invalid: func(ctx context.Context, c *Client) (*Task, error) {
			return c.CreateGen3TurboExpand(ctx, &Gen3TurboExpandRequest{VideoAssetID: "v", Seconds: ptr(int64(8))})
		},
	},
}

func checkCommonHeaders(t *testing.T, r recorded) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "terraform-provider-runway/test" {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestCreateRequests(t *testing.T) {
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			fixture := readFixture(t, tc.prefix+"_200.json")
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, fixture) })
			c, sl, _ := testClient(t, g, nil)
			task, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if task.TaskID != "user:user_id-runwayml:account_email-task:task_uuid" || task.Status != StatusPending {
				t.Fatalf("task %+v", task)
			}
			reqs := g.Requests()
			if len(reqs) != 1 || len(sl.Waits()) != 0 {
				t.Fatalf("requests %d waits %v", len(reqs), sl.Waits())
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.RequestURI != "/v1/runwayml"+tc.path {
				t.Fatalf("%s %s", r.Method, r.RequestURI)
			}
			checkCommonHeaders(t, r)
			if got := r.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			jsonEqual(t, []byte(tc.body), r.Body)
		})
	}
}

func TestCreateValidationSendsNothing(t *testing.T) {
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, []byte(`{}`)) })
			c, _, _ := testClient(t, g, nil)
			_, err := tc.invalid(context.Background(), c)
			var ve *ValidationError
			if !errors.As(err, &ve) || g.Count() != 0 {
				t.Fatalf("err %v requests %d", err, g.Count())
			}
		})
	}
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	c, _, _ := testClient(t, g, nil)
	if _, err := c.CreateGen3Video(context.Background(), nil); err == nil || g.Count() != 0 {
		t.Fatalf("nil request: %v", err)
	}
}

// statusOf reads the status from a fixture name such as gen3_video_429_busy.json.
func statusOf(t *testing.T, name, prefix string) int {
	t.Helper()
	rest := strings.TrimSuffix(strings.TrimPrefix(name, prefix+"_"), ".json")
	code, err := strconv.Atoi(strings.SplitN(rest, "_", 2)[0])
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return code
}

func TestCreateErrorFixtures(t *testing.T) {
	type helper struct {
		name string
		fn   func(error) bool
	}
	helpers := []helper{{"IsNotFound", IsNotFound}, {"IsUnauthorized", IsUnauthorized}, {"IsInsufficientCredits", IsInsufficientCredits}, {"IsBusy", IsBusy}, {"IsModerated", IsModerated}}
	want := map[int]string{404: "IsNotFound", 401: "IsUnauthorized", 412: "IsInsufficientCredits", 429: "IsBusy", 422: "IsModerated"}
	hintWords := map[int][]string{
		400: {"invalid"},
		401: {"api_token", "USEAPI_TOKEN"},
		404: {"unknown"},
		412: {"credits", "explore_mode"},
		422: {"prompt"},
		429: {"busy"},
	}
	total := 0
	for _, tc := range createCases {
		names := fixturesMatching(t, tc.prefix+"_*.json")
		for _, name := range names {
			if strings.HasSuffix(name, "_200.json") {
				continue
			}
			total++
			t.Run(name, func(t *testing.T) {
				status := statusOf(t, name, tc.prefix)
				body := readFixture(t, name)
				g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, status, body) })
				c, _, _ := testClient(t, g, nil)
				// A 429 on a create waits for capacity until the deadline; a
				// deadline shorter than the busy backoff returns the 429 at once.
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				task, err := tc.call(ctx, c)
				if task != nil {
					t.Fatalf("task %+v", task)
				}
				var ae *APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %T %v", err, err)
				}
				var fx struct {
					Error string `json:"error"`
					Code  *int   `json:"code"`
				}
				if err := json.Unmarshal(body, &fx); err != nil {
					t.Fatal(err)
				}
				if ae.StatusCode != status || ae.Message != fx.Error || ae.Method != "POST" || ae.Path != tc.path {
					t.Fatalf("api error %+v", ae)
				}
				if fx.Code != nil && ae.Code != *fx.Code {
					t.Fatalf("code %d", ae.Code)
				}
				if got := ae.Error(); got != fmt.Sprintf("useapi: POST %s: %d: %s", tc.path, status, fx.Error) {
					t.Fatalf("Error() = %q", got)
				}
				for _, h := range helpers {
					if h.fn(err) != (want[status] == h.name) {
						t.Errorf("%s(%d) = %v", h.name, status, h.fn(err))
					}
				}
				for _, w := range hintWords[status] {
					if !strings.Contains(ae.Hint(), w) {
						t.Errorf("hint %q lacks %q", ae.Hint(), w)
					}
				}
				if IsOutcomeUnknown(err) {
					t.Errorf("a %d created nothing", status)
				}
				if g.Count() != 1 {
					t.Errorf("requests = %d", g.Count())
				}
				if status == 429 {
					if strings.Contains(name, "busy") {
						ids := ae.RunningTaskIDs()
						wantIDs := []string{"user:user_id-runwayml:account_email-task:task_#1_uuid", "user:user_id-runwayml:account_email-task:task_#N_uuid"}
						if fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
							t.Fatalf("running tasks %v", ids)
						}
						rt := ae.RunningTasks["<Runway account email>"]
						if len(rt) != 2 || rt[0].Email != "<Runway account email>" || rt[0].ID != "<uuid>" || rt[1].ReplyRef != "<replyRef if provided>" || rt[1].ReplyURL != "<replyUrl if provided>" {
							t.Fatalf("running tasks %+v", rt)
						}
						if !strings.Contains(ae.Hint(), "2 running") {
							t.Errorf("hint %q", ae.Hint())
						}
					} else if ae.RunningTasks != nil {
						t.Fatalf("Runway's 429 has no runningTasks: %v", ae.RunningTasks)
					}
				}
			})
		}
	}
	if total != 17 { // 5 for gen2/extend (no 412 documented), 6 each for the others
		t.Fatalf("expected 17 error fixtures, found %d", total)
	}
}

func TestCreateModerated422(t *testing.T) {
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				reply(w, 422, []byte(`{"error":"Your prompt was flagged by moderation (MODERATED)","code":422}`))
			})
			c, _, _ := testClient(t, g, nil)
			_, err := tc.call(context.Background(), c)
			var ae *APIError
			if !IsModerated(err) || !errors.As(err, &ae) || !strings.Contains(ae.Message, "MODERATED") || !strings.Contains(ae.Hint(), "change the prompt") {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestCreateBusyThenAccepted(t *testing.T) {
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			busy := readFixture(t, tc.prefix+"_429_busy.json")
			throttled := readFixture(t, tc.prefix+"_429_runway.json")
			ok := readFixture(t, tc.prefix+"_200.json")
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch n {
				case 1:
					reply(w, 429, busy)
				case 2:
					reply(w, 429, throttled)
				case 3:
					w.Header().Set("Retry-After", "17")
					reply(w, 429, busy)
				default:
					reply(w, 200, ok)
				}
			})
			bw := &testfake.Sleeper{}
			c, sl, _ := testClient(t, g, func(cfg *Config) { cfg.BusyWait = bw.Sleep })
			task, err := tc.call(context.Background(), c)
			if err != nil || task.TaskID == "" {
				t.Fatalf("err %v", err)
			}
			if g.Count() != 4 || len(sl.Waits()) != 0 {
				t.Fatalf("requests %d sleeps %v", g.Count(), sl.Waits())
			}
			waits := bw.Waits()
			if len(waits) != 3 || waits[0] != 20*time.Second || waits[1] != 20*time.Second || waits[2] != 17*time.Second {
				t.Fatalf("busy waits %v", waits)
			}
			for _, r := range g.Requests() {
				jsonEqual(t, []byte(tc.body), r.Body)
			}
		})
	}
}

func TestCreateServerErrorNotRetried(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(status)
				_, _ = w.Write([]byte("<html><body><h1>" + http.StatusText(status) + "</h1></body></html>"))
			})
			c, sl, _ := testClient(t, g, nil)
			_, err := createCases[1].call(context.Background(), c)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != status || !strings.Contains(ae.Message, http.StatusText(status)) {
				t.Fatalf("err %v", err)
			}
			if !IsOutcomeUnknown(err) {
				t.Fatalf("a 5xx on a create may hide a created task")
			}
			var ou *transport.OutcomeUnknownError
			if !errors.As(err, &ou) || ou.StatusCode != status || ou.URL != "/gen3/video" {
				t.Fatalf("err %v, want a *transport.OutcomeUnknownError wrapping the %d", err, status)
			}
			if g.Count() != 1 || len(sl.Waits()) != 0 {
				t.Fatalf("a create must not be retried after %d: %d requests", status, g.Count())
			}
		})
	}
}

func TestCreateConnectionDropIsOutcomeUnknown(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	c, _, _ := testClient(t, g, nil)
	_, err := createCases[0].call(context.Background(), c)
	var ou *transport.OutcomeUnknownError
	if !errors.As(err, &ou) || !IsOutcomeUnknown(err) || g.Count() != 1 {
		t.Fatalf("err %v requests %d", err, g.Count())
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("token leaked: %v", err)
	}
}

func TestCreateUndecodableAnswers(t *testing.T) {
	longHTML := "<!DOCTYPE html><html><head><title>Oops</title></head><body>" + strings.Repeat("<p>bad gateway</p>", 100) + "</body></html>"
	tests := []struct {
		name string
		body string
	}{
		{"html", longHTML},
		{"truncated", `{"taskId":"user:1-runwayml:a@b.c-task:x","status":"PEN`},
		{"wrong types", `{"taskId":42,"status":"PENDING"}`},
		{"artifacts not a list", `{"taskId":"t","artifacts":{"a":1}}`},
		{"no taskId", `{"status":"PENDING"}`},
		{"empty", ``},
		{"null", `null`},
		{"array", `[{"taskId":"t"}]`},
		{"binary", "\x00\x01\xff\xfe garbage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, []byte(tc.body)) })
			c, _, _ := testClient(t, g, nil)
			task, err := createCases[1].call(context.Background(), c)
			if task != nil {
				t.Fatalf("task %+v", task)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %T %v", err, err)
			}
			if de.StatusCode != 200 || de.Method != "POST" || de.Path != "/gen3/video" || len(de.Snippet) > 200 {
				t.Fatalf("decode error %+v (snippet %d bytes)", de, len(de.Snippet))
			}
			if !IsOutcomeUnknown(err) {
				t.Fatalf("a 2xx without a usable taskId may hide a created task")
			}
			if g.Count() != 1 {
				t.Fatalf("requests %d", g.Count())
			}
		})
	}
}

func TestGetTaskEscaping(t *testing.T) {
	tests := []struct {
		id      string
		wantURI string
	}{
		{"user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11", "/v1/runwayml/tasks/user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11"},
		{"a/b", "/v1/runwayml/tasks/a%2Fb"},
		{"a?b#c", "/v1/runwayml/tasks/a%3Fb%23c"},
		{"with space", "/v1/runwayml/tasks/with%20space"},
		{"100%", "/v1/runwayml/tasks/100%25"},
		{"ü+x;y", "/v1/runwayml/tasks/%C3%BC+x%3By"},
		{"...", "/v1/runwayml/tasks/..."},
	}
	body := readFixture(t, "task_running.json")
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, body) })
			c, _, _ := testClient(t, g, nil)
			task, err := c.GetTask(context.Background(), tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := task.Progress(); task.Status != StatusRunning || p != 0.45 {
				t.Fatalf("task %+v", task)
			}
			r := g.Requests()[0]
			if r.Method != http.MethodGet || r.RequestURI != tc.wantURI {
				t.Fatalf("%s %s, want %s", r.Method, r.RequestURI, tc.wantURI)
			}
			if r.Path != "/v1/runwayml/tasks/"+tc.id {
				t.Fatalf("decoded path %q", r.Path)
			}
			checkCommonHeaders(t, r)
			if ct := r.Header.Get("Content-Type"); ct != "" || len(r.Body) != 0 {
				t.Fatalf("GET with body/Content-Type %q", ct)
			}
		})
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, []byte(`{}`)) })
	c, _, _ := testClient(t, g, nil)
	ctx := context.Background()
	for _, id := range []string{"", "  ", ".", ".."} {
		var ve *ValidationError
		if _, err := c.GetTask(ctx, id); !errors.As(err, &ve) {
			t.Errorf("GetTask(%q): %v", id, err)
		}
		if err := c.DeleteTask(ctx, id); !errors.As(err, &ve) {
			t.Errorf("DeleteTask(%q): %v", id, err)
		}
		if _, err := c.GetAsset(ctx, id); !errors.As(err, &ve) {
			t.Errorf("GetAsset(%q): %v", id, err)
		}
		if err := c.DeleteAsset(ctx, id); !errors.As(err, &ve) {
			t.Errorf("DeleteAsset(%q): %v", id, err)
		}
		if _, err := c.WaitForTask(ctx, id, WaitOptions{}); !errors.As(err, &ve) {
			t.Errorf("WaitForTask(%q): %v", id, err)
		}
	}
	if g.Count() != 0 {
		t.Fatalf("requests %d", g.Count())
	}
}

func TestGetTaskErrors(t *testing.T) {
	const id = "user:1234-runwayml:someone@example.com-task:gone"
	tests := []struct {
		name   string
		status int
		body   string
		check  func(error) bool
		hint   string
		tries  int
	}{
		{"404", 404, `{"error":"Not found.","code":404}`, IsNotFound, id, 1},
		{"401", 401, `{"error":"Unauthorized","code":401}`, IsUnauthorized, "USEAPI_TOKEN", 1},
		{"404 html", 404, `<html>Not Found</html>`, IsNotFound, id, 1},
		{"503 exhausted", 503, `{"error":"Service Unavailable"}`, func(err error) bool { return !IsOutcomeUnknown(err) }, "temporary", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, tc.status, []byte(tc.body)) })
			c, _, _ := testClient(t, g, func(cfg *Config) { cfg.Retry.MaxRetries = 2 })
			_, err := c.GetTask(context.Background(), id)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.status || !tc.check(err) {
				t.Fatalf("err %v", err)
			}
			if ae.ID != id || ae.Path != "/tasks/"+id || ae.Method != "GET" {
				t.Fatalf("api error %+v", ae)
			}
			if !strings.Contains(ae.Hint(), tc.hint) {
				t.Fatalf("hint %q lacks %q", ae.Hint(), tc.hint)
			}
			if g.Count() != tc.tries {
				t.Fatalf("requests %d", g.Count())
			}
		})
	}
}

func TestGetTaskRetriesTransientFailures(t *testing.T) {
	body := readFixture(t, "task_succeeded.json")
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			reply(w, 503, []byte(`{"error":"busy"}`))
		case 2:
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case 3:
			w.Header().Set("Retry-After", "4")
			reply(w, 429, []byte(`{"error":"slow down"}`))
		default:
			reply(w, 200, body)
		}
	})
	c, sl, _ := testClient(t, g, nil)
	task, err := c.GetTask(context.Background(), "t")
	if err != nil || task.Status != StatusSucceeded || g.Count() != 4 {
		t.Fatalf("err %v requests %d", err, g.Count())
	}
	// net/http itself replays a GET whose reused connection dropped, so the
	// drop may or may not cost one of our retries.
	if w := sl.Waits(); len(w) < 2 || w[len(w)-1] != 4*time.Second {
		t.Fatalf("waits %v", w)
	}
	if task.TaskID != "user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11" {
		t.Fatalf("the gateway's taskId wins: %s", task.TaskID)
	}
}

func TestGetTaskFillsMissingID(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, []byte(`{"status":"RUNNING"}`)) })
	c, _, _ := testClient(t, g, nil)
	task, err := c.GetTask(context.Background(), "my-id")
	if err != nil || task.TaskID != "my-id" {
		t.Fatalf("%v %+v", err, task)
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr func(error) bool
	}{
		{"200 success", 200, `{"success":true,"code":200}`, nil},
		{"204 empty", 204, ``, nil},
		{"200 not json", 200, `OK`, nil},
		{"200 truncated json", 200, `{"success":fa`, nil},
		{"200 success false 404", 200, `{"success":false,"error":"Not found.","code":404}`, IsNotFound},
		{"200 success false no code", 200, `{"success":false}`, func(err error) bool {
			var ae *APIError
			return errors.As(err, &ae) && ae.StatusCode == 200 && ae.Message != ""
		}},
		{"404", 404, `{"error":"Not found.","code":404}`, IsNotFound},
		{"401", 401, `{"error":"Unauthorized","code":401}`, IsUnauthorized},
	}
	kinds := []struct {
		name   string
		prefix string
		call   func(c *Client, id string) error
	}{
		{"task", "/v1/runwayml/tasks/", func(c *Client, id string) error { return c.DeleteTask(context.Background(), id) }},
		{"asset", "/v1/runwayml/assets/", func(c *Client, id string) error { return c.DeleteAsset(context.Background(), id) }},
	}
	for _, k := range kinds {
		for _, tc := range tests {
			t.Run(k.name+" "+tc.name, func(t *testing.T) {
				g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
				})
				c, _, _ := testClient(t, g, nil)
				err := k.call(c, fixtureAssetID)
				if tc.wantErr == nil && err != nil {
					t.Fatalf("err %v", err)
				}
				if tc.wantErr != nil && !tc.wantErr(err) {
					t.Fatalf("err %v", err)
				}
				r := g.Requests()[0]
				if r.Method != http.MethodDelete || r.RequestURI != k.prefix+fixtureAssetID {
					t.Fatalf("%s %s", r.Method, r.RequestURI)
				}
				checkCommonHeaders(t, r)
			})
		}
	}
}

func TestDeleteRetriedOn5xx(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		reply(w, 200, []byte(`{"success":true}`))
	})
	c, _, _ := testClient(t, g, nil)
	if err := c.DeleteTask(context.Background(), "t"); err != nil || g.Count() != 2 {
		t.Fatalf("err %v requests %d", err, g.Count())
	}
}

func TestListAssets(t *testing.T) {
	list := readFixture(t, "assets_list.json")
	tests := []struct {
		name      string
		params    ListAssetsParams
		wantQuery map[string]string
		wantErr   string
	}{
		{"defaults", ListAssetsParams{}, map[string]string{"offset": "0", "limit": "50"}, ""},
		{"all params", ListAssetsParams{Offset: 1000, Limit: 1, MediaType: "video", Email: "someone@example.com"},
			map[string]string{"offset": "1000", "limit": "1", "mediaType": "video", "email": "someone@example.com"}, ""},
		{"image", ListAssetsParams{MediaType: "image", Limit: 10}, map[string]string{"offset": "0", "limit": "10", "mediaType": "image"}, ""},
		{"offset too big", ListAssetsParams{Offset: 1001}, nil, "offset"},
		{"negative offset", ListAssetsParams{Offset: -1}, nil, "offset"},
		{"limit too big", ListAssetsParams{Limit: 51}, nil, "limit"},
		{"negative limit", ListAssetsParams{Limit: -5}, nil, "limit"},
		{"bad media type", ListAssetsParams{MediaType: "document"}, nil, "mediaType"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, list) })
			c, _, _ := testClient(t, g, nil)
			assets, err := c.ListAssets(context.Background(), tc.params)
			if tc.wantErr != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Field != tc.wantErr || g.Count() != 0 {
					t.Fatalf("err %v requests %d", err, g.Count())
				}
				return
			}
			if err != nil || len(assets) != 2 || assets[1].AssetID != "user:1234-runwayml:someone@example.com-asset:1b2c3d4e-5555-6666-7777-888899990000" {
				t.Fatalf("err %v assets %d", err, len(assets))
			}
			r := g.Requests()[0]
			if r.Method != "GET" || r.Path != "/v1/runwayml/assets/" {
				t.Fatalf("%s %s", r.Method, r.Path)
			}
			checkCommonHeaders(t, r)
			if len(r.Query) != len(tc.wantQuery) {
				t.Fatalf("query %v", r.Query)
			}
			for k, v := range tc.wantQuery {
				if got := r.Query[k]; len(got) != 1 || got[0] != v {
					t.Fatalf("query %s = %v, want %s", k, got, v)
				}
			}
		})
	}
}

func TestListAssetsOddAnswers(t *testing.T) {
	tests := []struct {
		body    string
		want    int
		decodeE bool
	}{
		{`[]`, 0, false},
		{`null`, 0, false},
		{`{"error":"nope"}`, 0, true},
		{`[{"assetId":1}]`, 0, true},
		{`<html>`, 0, true},
	}
	for _, tc := range tests {
		g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, []byte(tc.body)) })
		c, _, _ := testClient(t, g, nil)
		assets, err := c.ListAssets(context.Background(), ListAssetsParams{})
		var de *DecodeError
		if errors.As(err, &de) != tc.decodeE || (!tc.decodeE && (err != nil || assets == nil || len(assets) != tc.want)) {
			t.Errorf("%s: assets %v err %v", tc.body, assets, err)
		}
	}
}

// pagedGateway serves total assets (ids a0000…) honouring offset and limit;
// if full is true every page is full regardless of the total.
func pagedGateway(t *testing.T, total int, full bool) *fakeGateway {
	return newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var page []Asset
		for i := off; i < off+lim && (full || i < total); i++ {
			page = append(page, Asset{AssetID: fmt.Sprintf("a%04d", i), MediaType: r.URL.Query().Get("mediaType")})
		}
		b, _ := json.Marshal(page)
		if page == nil {
			b = []byte(`[]`)
		}
		reply(w, 200, b)
	})
}

func TestListAllAssets(t *testing.T) {
	tests := []struct {
		name        string
		total       int
		full        bool
		max         int
		wantCount   int
		wantOffsets []string
		wantLimits  []string
	}{
		{"two and a half pages", 120, false, 0, 120, []string{"0", "50", "100"}, []string{"50", "50", "50"}},
		{"exact pages", 100, false, 0, 100, []string{"0", "50", "100"}, []string{"50", "50", "50"}},
		{"empty", 0, false, 0, 0, []string{"0"}, []string{"50"}},
		{"max mid page", 120, false, 70, 70, []string{"0", "50"}, []string{"50", "20"}},
		{"max small", 120, false, 5, 5, []string{"0"}, []string{"5"}},
		{"offset limit", 0, true, 0, 1050, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := pagedGateway(t, tc.total, tc.full)
			c, _, _ := testClient(t, g, nil)
			assets, err := c.ListAllAssets(context.Background(), "video", "", tc.max)
			if err != nil || len(assets) != tc.wantCount {
				t.Fatalf("err %v count %d", err, len(assets))
			}
			reqs := g.Requests()
			if tc.wantOffsets == nil {
				if len(reqs) != 21 || reqs[20].Query["offset"][0] != "1000" {
					t.Fatalf("must stop after offset 1000: %d requests", len(reqs))
				}
				return
			}
			if len(reqs) != len(tc.wantOffsets) {
				t.Fatalf("requests %d", len(reqs))
			}
			for i, r := range reqs {
				if r.Query["offset"][0] != tc.wantOffsets[i] || r.Query["limit"][0] != tc.wantLimits[i] || r.Query["mediaType"][0] != "video" {
					t.Fatalf("request %d query %v", i, r.Query)
				}
			}
		})
	}
}

func TestListAllAssetsDeduplicates(t *testing.T) {
	// The second page repeats the last asset of the first (an upload
	// shifted the listing).
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var page []Asset
		start := off
		if off > 0 {
			start = off - 1
		}
		for i := start; i < start+50 && i < 60; i++ {
			page = append(page, Asset{AssetID: fmt.Sprintf("a%d", i)})
		}
		b, _ := json.Marshal(page)
		reply(w, 200, b)
	})
	c, _, _ := testClient(t, g, nil)
	assets, err := c.ListAllAssets(context.Background(), "", "", 0)
	if err != nil || len(assets) != 60 {
		t.Fatalf("err %v count %d", err, len(assets))
	}
}

func TestGetAsset(t *testing.T) {
	var list []json.RawMessage
	if err := json.Unmarshal(readFixture(t, "assets_list.json"), &list); err != nil {
		t.Fatal(err)
	}
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			reply(w, 200, list[0])
		case 2:
			reply(w, 404, []byte(`{"error":"Not found.","code":404}`))
		default:
			reply(w, 200, []byte(`{"assetId": 7}`))
		}
	})
	c, _, _ := testClient(t, g, nil)
	a, err := c.GetAsset(context.Background(), fixtureAssetID)
	if err != nil || a.AssetID != fixtureAssetID || *a.Media().Width != 1280 {
		t.Fatalf("err %v asset %+v", err, a)
	}
	if r := g.Requests()[0]; r.RequestURI != "/v1/runwayml/assets/"+fixtureAssetID || r.Method != "GET" {
		t.Fatalf("%s %s", r.Method, r.RequestURI)
	}
	_, err = c.GetAsset(context.Background(), "gone")
	var ae *APIError
	if !IsNotFound(err) || !errors.As(err, &ae) || !strings.Contains(ae.Hint(), `"gone"`) {
		t.Fatalf("err %v", err)
	}
	_, err = c.GetAsset(context.Background(), "x")
	var de *DecodeError
	if !errors.As(err, &de) || IsOutcomeUnknown(err) {
		t.Fatalf("err %v", err)
	}
}

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct {
	n, off int64
	reads  int
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	p.reads++
	k := int64(len(b))
	if rem := p.n - p.off; k > rem {
		k = rem
	}
	for i := int64(0); i < k; i++ {
		b[i] = byte((p.off + i) % 251)
	}
	p.off += k
	return int(k), nil
}

func patternSum(n int64) [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, &patternReader{n: n})
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func TestUploadAsset(t *testing.T) {
	const size = 3<<20 + 17
	upload := readFixture(t, "asset_upload_200.json")
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { reply(w, 200, upload) })
	c, sl, _ := testClient(t, g, nil)
	var readers []*patternReader
	open := func() (io.Reader, int64, error) {
		pr := &patternReader{n: size}
		readers = append(readers, pr)
		return pr, size, nil
	}
	dur, wd, ht := 5.209, int64(1280), int64(768)
	a, err := c.UploadAsset(context.Background(), UploadAssetParams{Name: "lake & sky.ts", ContentType: "video/mp2t", Duration: &dur, Width: &wd, Height: &ht, Email: "someone@example.com"}, open)
	if err != nil || a.AssetID != "user:1234-runwayml:someone@example.com-asset:5e6f7a8b-0000-4000-8000-abcdefabcdef" {
		t.Fatalf("err %v asset %+v", err, a)
	}
	r := g.Requests()[0]
	if r.Method != "POST" || r.Path != "/v1/runwayml/assets/" {
		t.Fatalf("%s %s", r.Method, r.Path)
	}
	checkCommonHeaders(t, r)
	if ct := r.Header.Get("Content-Type"); ct != "video/MP2T" {
		t.Fatalf("Content-Type %q: the gateway's spelling must be sent", ct)
	}
	want := map[string]string{"name": "lake & sky.ts", "duration": "5.209", "width": "1280", "height": "768", "email": "someone@example.com"}
	if len(r.Query) != len(want) {
		t.Fatalf("query %v", r.Query)
	}
	for k, v := range want {
		if r.Query[k][0] != v {
			t.Fatalf("query %s = %v", k, r.Query[k])
		}
	}
	if int64(len(r.Body)) != size || sha256.Sum256(r.Body) != patternSum(size) || r.Header.Get("Content-Length") != strconv.Itoa(size) {
		t.Fatalf("body %d bytes, Content-Length %s", len(r.Body), r.Header.Get("Content-Length"))
	}
	if len(readers) != 1 || readers[0].reads < 2 || len(sl.Waits()) != 0 {
		t.Fatalf("the body must be streamed in chunks from one open: opens %d", len(readers))
	}
}

func TestUploadAssetRetryRules(t *testing.T) {
	upload := readFixture(t, "asset_upload_200.json")
	tests := []struct {
		name      string
		answers   []int
		wantOpens int
		wantErr   func(error) bool
	}{
		{"429 then ok", []int{429, 200}, 2, nil},
		{"500 not retried", []int{500, 200}, 1, func(err error) bool { return IsOutcomeUnknown(err) }},
		{"400 not retried", []int{400, 200}, 1, func(err error) bool { return !IsOutcomeUnknown(err) }},
		{"200 without assetId", []int{-200}, 1, func(err error) bool { return IsOutcomeUnknown(err) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch s := tc.answers[min(n, len(tc.answers))-1]; s {
				case 200:
					reply(w, 200, upload)
				case -200:
					reply(w, 200, []byte(`{"name":"x"}`))
				default:
					reply(w, s, []byte(`{"error":"no"}`))
				}
			})
			c, _, _ := testClient(t, g, func(cfg *Config) { cfg.BusyWait = (&testfake.Sleeper{}).Sleep })
			opens := 0
			_, err := c.UploadAsset(context.Background(), UploadAssetParams{Name: "x.png", ContentType: "image/png"}, func() (io.Reader, int64, error) {
				opens++
				return bytes.NewReader([]byte("png-bytes")), 9, nil
			})
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !tc.wantErr(err) {
				t.Fatalf("err %v", err)
			}
			if opens != tc.wantOpens || g.Count() != tc.wantOpens {
				t.Fatalf("opens %d requests %d", opens, g.Count())
			}
		})
	}
}

func TestUploadAssetValidation(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	c, _, _ := testClient(t, g, nil)
	open := func() (io.Reader, int64, error) { return strings.NewReader("x"), 1, nil }
	neg := -1.0
	zero := int64(0)
	tests := []struct {
		p     UploadAssetParams
		open  func() (io.Reader, int64, error)
		field string
	}{
		{UploadAssetParams{ContentType: "video/mp4"}, open, "name"},
		{UploadAssetParams{Name: "x", ContentType: "application/pdf"}, open, "Content-Type"},
		{UploadAssetParams{Name: "x", ContentType: "video/mp4"}, nil, "body"},
		{UploadAssetParams{Name: "x", ContentType: "video/mp4", Duration: &neg}, open, "duration"},
		{UploadAssetParams{Name: "x", ContentType: "video/mp4", Width: &zero}, open, "width"},
		{UploadAssetParams{Name: "x", ContentType: "video/mp4", Height: &zero}, open, "height"},
	}
	for _, tc := range tests {
		_, err := c.UploadAsset(context.Background(), tc.p, tc.open)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: err %v", tc.p, err)
		}
	}
	if g.Count() != 0 {
		t.Fatalf("requests %d", g.Count())
	}
}

func TestNewClient(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantBase string
		wantErr  string
	}{
		{"default endpoint", Config{Token: "t"}, DefaultEndpoint, ""},
		{"trailing slash", Config{Endpoint: "https://api.useapi.net/v1/runwayml/", Token: "t"}, DefaultEndpoint, ""},
		{"loopback http", Config{Endpoint: "http://127.0.0.1:8080/v1/runwayml", Token: "t"}, "http://127.0.0.1:8080/v1/runwayml", ""},
		{"no token is allowed", Config{}, DefaultEndpoint, ""},
		{"remote http", Config{Endpoint: "http://api.useapi.net/v1/runwayml", Token: "t"}, "", "loopback"},
		{"garbage", Config{Endpoint: "not a url", Token: "t"}, "", "absolute"},
		{"token with newline", Config{Token: "abc\ndef"}, "", "control characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v", err)
				}
				if strings.Contains(err.Error(), "def") {
					t.Fatalf("error echoes the token: %v", err)
				}
				return
			}
			if err != nil || c.Endpoint() != tc.wantBase {
				t.Fatalf("err %v endpoint %s", err, c.Endpoint())
			}
		})
	}
}

func TestMissingTokenFailsEveryCall(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	c, _, _ := testClient(t, g, func(cfg *Config) { cfg.Token = "  " })
	if c.HasToken() {
		t.Fatal("HasToken")
	}
	ctx := context.Background()
	errs := []error{}
	_, err := c.GetTask(ctx, "t")
	errs = append(errs, err)
	_, err = c.CreateGen2Extend(ctx, &Gen2ExtendRequest{AssetID: "a"})
	errs = append(errs, err)
	_, err = c.ListAssets(ctx, ListAssetsParams{})
	errs = append(errs, err)
	errs = append(errs, c.DeleteAsset(ctx, "a"))
	_, err = c.WaitForTask(ctx, "t", WaitOptions{})
	errs = append(errs, err)
	for i, err := range errs {
		if !errors.Is(err, ErrMissingToken) {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if g.Count() != 0 {
		t.Fatalf("requests %d", g.Count())
	}
}

func TestTokenNeverLogged(t *testing.T) {
	g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			reply(w, 503, []byte(`{}`))
		case 2:
			reply(w, 401, []byte(`{"error":"Unauthorized","code":401}`))
		default:
			reply(w, 200, readFixture(t, "task_running.json"))
		}
	})
	c, _, logs := testClient(t, g, nil)
	_, err1 := c.GetTask(context.Background(), "t")
	_, err2 := c.GetTask(context.Background(), "t")
	text := logs.Text()
	for _, s := range []string{testToken, "Bearer", "s3cr3t"} {
		if strings.Contains(text, s) || strings.Contains(fmt.Sprint(err1, err2), s) {
			t.Fatalf("%q leaked:\n%s\n%v %v", s, text, err1, err2)
		}
	}
	if len(logs.Lines()) < 3 {
		t.Fatalf("expected request logs:\n%s", text)
	}
}

func TestAPIErrorParsing(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		wantMsg    string
		wantCode   int
		wantRetry  time.Duration
		wantTasks  int
		wantErrStr string
	}{
		{"plain", 400, nil, `{"error":"<Error message>","code":400}`, "<Error message>", 400, 0, 0, "useapi: GET /x: 400: <Error message>"},
		{"message field", 400, nil, `{"message":"bad seed"}`, "bad seed", 0, 0, 0, ""},
		{"error object", 500, nil, `{"error":{"reason":"x"}}`, `{"reason":"x"}`, 0, 0, 0, ""},
		{"unknown json", 500, nil, `{"detail":"x"}`, `{"detail":"x"}`, 0, 0, 0, ""},
		{"empty object", 502, nil, `{}`, "", 0, 0, 0, "useapi: GET /x: 502: Bad Gateway"},
		{"empty body", 503, nil, ``, "", 0, 0, 0, "useapi: GET /x: 503: Service Unavailable"},
		{"html", 502, nil, "<html>\n<body>Bad\tGateway</body></html>", "<html> <body>Bad Gateway</body></html>", 0, 0, 0, ""},
		{"code as string", 412, nil, `{"error":"no credits","code":"412"}`, "no credits", 412, 0, 0, ""},
		{"retry after header", 429, http.Header{"Retry-After": {"12"}}, `{"error":"busy"}`, "busy", 0, 12 * time.Second, 0, ""},
		{"retryAfter body", 429, nil, `{"error":"busy","retryAfter":7}`, "busy", 0, 7 * time.Second, 0, ""},
		{"running tasks wrong type", 429, nil, `{"error":"busy","runningTasks":[1,2]}`, "busy", 0, 0, 0, ""},
		{"running tasks two accounts", 429, nil, `{"error":"busy","runningTasks":{"a@x":[{"taskId":"t1"}],"b@x":[{"taskId":"t2"},{"taskId":"t3"}]}}`, "busy", 0, 0, 3, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newAPIError("GET", "/x", "", tc.status, tc.header, []byte(tc.body))
			if e.Message != tc.wantMsg || e.Code != tc.wantCode || e.RetryAfter != tc.wantRetry || len(e.RunningTaskIDs()) != tc.wantTasks {
				t.Fatalf("%+v", e)
			}
			if tc.wantErrStr != "" && e.Error() != tc.wantErrStr {
				t.Fatalf("Error() = %q", e.Error())
			}
		})
	}
	long := newAPIError("GET", "/x", "", 500, nil, bytes.Repeat([]byte("x"), 10000))
	if len(long.Message) > maxErrorText {
		t.Fatalf("message %d bytes", len(long.Message))
	}
}

func TestHints(t *testing.T) {
	tests := []struct {
		status int
		id     string
		want   string
	}{
		{401, "", "USEAPI_TOKEN"},
		{402, "", "subscription"},
		{403, "", "token"},
		{404, "task-1", `"task-1"`},
		{404, "", "unknown"},
		{412, "", "explore_mode"},
		{422, "", "prompt"},
		{429, "", "throttling"},
		{400, "", "invalid"},
		{500, "", "temporary"},
		{596, "", "re-add"},
		{418, "", ""},
	}
	for _, tc := range tests {
		h := (&APIError{StatusCode: tc.status, ID: tc.id}).Hint()
		if tc.want == "" && h != "" || !strings.Contains(h, tc.want) {
			t.Errorf("%d: hint %q lacks %q", tc.status, h, tc.want)
		}
	}
}

func TestIsOutcomeUnknown(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{&transport.OutcomeUnknownError{Method: "POST", URL: "/x", Err: io.EOF}, true},
		{fmt.Errorf("wrapped: %w", &transport.OutcomeUnknownError{Err: io.EOF}), true},
		// The client never returns a bare 5xx *APIError for a POST: it
		// wraps it in the one unknown-outcome type (next row).
		{&APIError{Method: "POST", StatusCode: 502}, false},
		{fmt.Errorf("useapi: %w", &transport.OutcomeUnknownError{Method: "POST", URL: "/gen3/video", StatusCode: 502,
			Err: &APIError{Method: "POST", Path: "/gen3/video", StatusCode: 502}}), true},
		{&APIError{Method: "POST", StatusCode: 501}, false},
		{&APIError{Method: "POST", StatusCode: 429}, false},
		{&APIError{Method: "GET", StatusCode: 502}, false},
		{&transport.RequestError{Method: "POST", Err: io.EOF}, false},
	}
	for _, tc := range tests {
		if got := IsOutcomeUnknown(tc.err); got != tc.want {
			t.Errorf("%v: %v", tc.err, got)
		}
	}
}

// outcomeCall is a non-idempotent call: a create or the upload.
type outcomeCall struct {
	name, path string
	call       func(ctx context.Context, c *Client) error
}

func outcomeCalls() []outcomeCall {
	var calls []outcomeCall
	for _, cc := range createCases {
		calls = append(calls, outcomeCall{cc.name, cc.path, func(ctx context.Context, c *Client) error {
			_, err := cc.call(ctx, c)
			return err
		}})
	}
	return append(calls, outcomeCall{"upload", "/assets/", func(ctx context.Context, c *Client) error {
		_, err := c.UploadAsset(ctx, UploadAssetParams{Name: "x.png", ContentType: "image/png"}, func() (io.Reader, int64, error) {
			return strings.NewReader("png-bytes"), 9, nil
		})
		return err
	}})
}

// Every way a create or an upload can end with an unknown outcome yields a
// *transport.OutcomeUnknownError, the one type callers test for, and the
// error describing the answer (*APIError with its status and message,
// *DecodeError, *transport.BodyTooLargeError) stays reachable as its cause.
// A 501, a 505 or a 4xx other than 408 is a refusal, not an unknown
// outcome (transport.CreateOutcomeUnknown).
func TestOutcomeUnknownIsTheTransportType(t *testing.T) {
	type want struct {
		unknown  bool
		status   int    // OutcomeUnknownError.StatusCode
		apiCode  int    // *APIError cause's StatusCode, 0: none
		apiMsg   string // in the *APIError's Message
		decode   string // in the *DecodeError's Error(), "": none
		tooBig   bool
		fullPath bool // the transport built it: URL is the whole path
	}
	scenarios := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		want   want
	}{
		{"connection dropped after sending", func(w http.ResponseWriter, r *http.Request) {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
		}, want{unknown: true, fullPath: true}},
		{"500 json", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 500, []byte(`{"error":"Internal failure","code":500}`))
		}, want{unknown: true, status: 500, apiCode: 500, apiMsg: "Internal failure"}},
		{"502 html from a proxy", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html><body><h1>Bad Gateway</h1></body></html>"))
		}, want{unknown: true, status: 502, apiCode: 502, apiMsg: "Bad Gateway"}},
		{"504", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 504, []byte(`{"error":"Gateway Timeout"}`))
		}, want{unknown: true, status: 504, apiCode: 504, apiMsg: "Gateway Timeout"}},
		{"408 from a proxy", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(408)
			_, _ = w.Write([]byte("<html><body><h1>408 Request Time-out</h1></body></html>"))
		}, want{unknown: true, status: 408, apiCode: 408, apiMsg: "Request Time-out"}},
		{"524 from a CDN", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(524)
			_, _ = w.Write([]byte("<html><body>A timeout occurred</body></html>"))
		}, want{unknown: true, status: 524, apiCode: 524, apiMsg: "A timeout occurred"}},
		{"200 without an id", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 200, []byte(`{"name":"x","status":"PENDING"}`))
		}, want{unknown: true, status: 200, decode: "the answer has no "}},
		{"200 not JSON", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 200, []byte(`<html>ok?</html>`))
		}, want{unknown: true, status: 200, decode: "expected a JSON object"}},
		{"200 truncated", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 200, []byte(`{"taskId":"user:1-runwayml:a@b.c-task:x","assetId":"user:1-runwayml:a@b.c-asset:x`))
		}, want{unknown: true, status: 200, decode: "unexpected end of JSON input"}},
		{"200 over the size limit", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 200, []byte(`{"taskId":"`+strings.Repeat("x", 4096)+`"}`))
		}, want{unknown: true, status: 200, tooBig: true, fullPath: true}},
		{"501 is a refusal", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 501, []byte(`{"error":"Not Implemented"}`))
		}, want{apiCode: 501, apiMsg: "Not Implemented"}},
		{"505 is a refusal", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 505, []byte(`{"error":"HTTP Version Not Supported"}`))
		}, want{apiCode: 505, apiMsg: "HTTP Version Not Supported"}},
		{"412 is a refusal", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 412, []byte(`{"error":"Insufficient credits","code":412}`))
		}, want{apiCode: 412, apiMsg: "Insufficient credits"}},
		{"400 is a refusal", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 400, []byte(`{"error":"bad input","code":400}`))
		}, want{apiCode: 400, apiMsg: "bad input"}},
	}
	for _, call := range outcomeCalls() {
		for _, sc := range scenarios {
			t.Run(call.name+"/"+sc.name, func(t *testing.T) {
				g := newGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { sc.answer(w, r) })
				c, sl, _ := testClient(t, g, func(cfg *Config) { cfg.MaxBodyBytes = 1024 })
				err := call.call(context.Background(), c)
				if err == nil {
					t.Fatal("no error")
				}
				w := sc.want
				var ou *transport.OutcomeUnknownError
				if errors.As(err, &ou) != w.unknown || IsOutcomeUnknown(err) != w.unknown {
					t.Fatalf("err %v: unknown outcome %v, want %v", err, !w.unknown, w.unknown)
				}
				if g.Count() != 1 || len(sl.Waits()) != 0 {
					t.Fatalf("sent %d times, waits %v", g.Count(), sl.Waits())
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "useapi: ") || strings.Contains(msg, testToken) {
					t.Errorf("message %q", msg)
				}
				if w.unknown {
					wantURL := call.path
					if w.fullPath {
						wantURL = "/v1/runwayml" + call.path
					}
					if ou.Method != http.MethodPost || ou.URL != wantURL || ou.StatusCode != w.status {
						t.Errorf("outcome unknown %s %s HTTP %d, want POST %s HTTP %d", ou.Method, ou.URL, ou.StatusCode, wantURL, w.status)
					}
					if !strings.Contains(msg, "may have taken effect") {
						t.Errorf("message %q", msg)
					}
				}
				var ae *APIError
				if errors.As(err, &ae) != (w.apiCode != 0) {
					t.Fatalf("err %v: APIError cause %v, want code %d", err, ae, w.apiCode)
				}
				if ae != nil && (ae.StatusCode != w.apiCode || !strings.Contains(ae.Message, w.apiMsg) || ae.Method != http.MethodPost || ae.Path != call.path) {
					t.Errorf("APIError %+v, want %d %q", ae, w.apiCode, w.apiMsg)
				}
				var de *DecodeError
				if errors.As(err, &de) != (w.decode != "") || (de != nil && (de.StatusCode != 200 || de.Path != call.path || !strings.Contains(de.Error(), w.decode))) {
					t.Errorf("DecodeError cause %v, want %q", de, w.decode)
				}
				var big *transport.BodyTooLargeError
				if errors.As(err, &big) != w.tooBig {
					t.Errorf("BodyTooLargeError cause %v, want %v", big, w.tooBig)
				}
			})
		}
	}
}
