package useapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator"
)

const schedTaskID = "user:1234-runwayml:someone@example.com-task:3f0c1c2e-8f2a-4d8e-9d6b-2b7f0b9e1a11"

func TestListScheduled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		want    []ScheduledTask
		wantErr func(error) bool
	}{
		{"documented answer", 200, `[{"taskId":"` + schedTaskID + `","replyUrl":"https://hooks.example/x","replyRef":"r1"},{"taskId":"t2"}]`,
			[]ScheduledTask{{TaskID: schedTaskID, ReplyURL: "https://hooks.example/x", ReplyRef: "r1"}, {TaskID: "t2"}}, nil},
		{"empty", 200, `[]`, []ScheduledTask{}, nil},
		{"null", 200, `null`, []ScheduledTask{}, nil},
		{"not an array", 200, `{"taskId":"x"}`, nil, func(err error) bool { var de *DecodeError; return errors.As(err, &de) }},
		{"unauthorized", 401, `{"error":"Unauthorized","code":401}`, nil, func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 401 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, []byte(tc.body)) })
			c, _, _ := testClient(t, g, func(cfg *Config) { cfg.Retry.MaxRetries = -1 })
			got, err := c.ListScheduled(context.Background())
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("got %+v, %v", got, err)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("[%d] %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			r := g.Requests()[0]
			if r.Method != http.MethodGet || r.RequestURI != "/v1/runwayml/scheduler/" {
				t.Errorf("request %s %s", r.Method, r.RequestURI)
			}
		})
	}
}

func TestStopTracking(t *testing.T) {
	for _, tc := range []struct {
		name     string
		id       string
		status   int
		body     string
		requests int
		check    func(error) bool
	}{
		{"tracked", schedTaskID, 200, `{"success":true,"code":200}`, 1, func(err error) bool { return err == nil }},
		{"no body", schedTaskID, 204, ``, 1, func(err error) bool { return err == nil }},
		{"not tracked", schedTaskID, 404, `{"error":"Not found.","code":404}`, 1, IsNotFound},
		{"empty id", "", 0, ``, 0, func(err error) bool { var ve *ValidationError; return errors.As(err, &ve) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, tc.status, []byte(tc.body)) })
			c, _, _ := testClient(t, g, nil)
			err := c.StopTracking(context.Background(), tc.id)
			if !tc.check(err) {
				t.Fatalf("err %v", err)
			}
			if g.Count() != tc.requests {
				t.Fatalf("%d requests", g.Count())
			}
			if tc.requests > 0 {
				r := g.Requests()[0]
				if r.Method != http.MethodDelete || r.RequestURI != "/v1/runwayml/scheduler/"+schedTaskID {
					t.Errorf("request %s %s", r.Method, r.RequestURI)
				}
			}
		})
	}
}

// Against the simulator: the scheduler round trip, and the account email
// several configured accounts make required.
func TestSchedulerAndAccountsAgainstSimulator(t *testing.T) {
	const a, b = "first@runway.local", "second@runway.local"
	sim := simulator.New(simulator.Options{Token: testToken, AccountEmails: []string{a, b}, SeedDemoAssets: true, MaxJobs: 1, TaskDuration: time.Minute})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{Endpoint: srv.URL + simulator.APIPrefix, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	demo := "user:1234-runwayml:" + a + "-asset:" + simulator.DemoVideoLandscapeUUID
	task, err := c.CreateGen2Extend(ctx, &Gen2ExtendRequest{AssetID: demo, CreateOptions: CreateOptions{ReplyRef: ptr("r1")}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetTask(ctx, task.TaskID); got.ReplyRef != nil || got.ReplyURL != nil || got.Features != nil || got.Code != nil {
		t.Errorf("GET /tasks carries create-only fields: %+v", got)
	}
	steps := []struct {
		name string
		run  func() error
		ok   func(error) bool
	}{
		{"listed with its replyRef", func() error {
			l, err := c.ListScheduled(ctx)
			if err == nil && (len(l) != 1 || l[0].TaskID != task.TaskID || l[0].ReplyRef != "r1") {
				return errors.New("unexpected list")
			}
			return err
		}, func(err error) bool { return err == nil }},
		{"slot taken", func() error {
			cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err = c.CreateGen2Extend(cctx, &Gen2ExtendRequest{AssetID: demo})
			return err
		}, func(err error) bool { return err != nil }},
		{"stop tracking", func() error { return c.StopTracking(ctx, task.TaskID) }, func(err error) bool { return err == nil }},
		{"twice: not found", func() error { return c.StopTracking(ctx, task.TaskID) }, IsNotFound},
		{"slot free", func() error {
			_, err := c.CreateGen2Extend(ctx, &Gen2ExtendRequest{AssetID: demo})
			return err
		}, func(err error) bool { return err == nil }},
		{"asset list without email", func() error { _, err := c.ListAssets(ctx, ListAssetsParams{}); return err }, func(err error) bool {
			var ae *APIError
			return errors.As(err, &ae) && ae.StatusCode == 400 && strings.Contains(ae.Message, "email")
		}},
		{"upload without email", func() error {
			_, err := c.UploadAsset(ctx, UploadAssetParams{Name: "x.mp4", ContentType: "video/mp4"}, mp4Body)
			return err
		}, func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 400 }},
		{"upload and list with email", func() error {
			up, err := c.UploadAsset(ctx, UploadAssetParams{Name: "x.mp4", ContentType: "video/mp4", Email: b}, mp4Body)
			if err != nil {
				return err
			}
			all, err := c.ListAllAssets(ctx, "", b, 0)
			if err == nil && (len(all) != 1 || all[0].AssetID != up.AssetID || !strings.Contains(up.AssetID, "-runwayml:"+b+"-asset:")) {
				return errors.New("unexpected listing")
			}
			return err
		}, func(err error) bool { return err == nil }},
	}
	for _, st := range steps {
		if err := st.run(); !st.ok(err) {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
}

func mp4Body() (io.Reader, int64, error) {
	b := simulator.MinimalMP4(640, 360, 2*time.Second)
	return strings.NewReader(string(b)), int64(len(b)), nil
}
