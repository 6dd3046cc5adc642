package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	portFile := filepath.Join(t.TempDir(), "port")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-port-file", portFile, "-token", "user:1234-cmdtest",
			"-task-duration", "100ms", "-queue-delay", "-1ns", "-max-jobs", "2", "-credits", "40"}, &stdout, &stderr)
	}()

	var port string
	for deadline := time.Now().Add(5 * time.Second); port == ""; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("port file never written")
		}
		if b, err := os.ReadFile(portFile); err == nil {
			port = strings.TrimSpace(string(b))
		}
	}
	base := "http://127.0.0.1:" + port
	out := stdout.String()
	for _, want := range []string{
		"runway simulator listening on " + base + "\n",
		"USEAPI_ENDPOINT=" + base + "/v1/runwayml\n",
		"USEAPI_TOKEN=user:1234-cmdtest\n",
		"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000001",
		"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000003",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+"/v1/runwayml"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer user:1234-cmdtest")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(data, &m)
		return resp.StatusCode, m
	}
	// The flags took effect: 40 credits = two gen2 extends, then 412.
	status, task := call(http.MethodPost, "/gen2/extend", `{"assetId":"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000001"}`)
	if status != 200 {
		t.Fatalf("create: %d %v", status, task)
	}
	id := task["taskId"].(string)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		status, got := call(http.MethodGet, "/tasks/"+url.PathEscape(id), "")
		if status == 200 && got["status"] == "SUCCEEDED" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task never finished: %d %v", status, got)
		}
	}
	call(http.MethodPost, "/gen2/extend", `{"assetId":"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000002"}`)
	if status, body := call(http.MethodPost, "/gen2/extend", `{"assetId":"user:1234-runwayml:demo@runway.local-asset:00000000-0000-4000-8000-000000000002"}`); status != 412 {
		t.Errorf("third create with 40 credits: %d %v", status, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	logs := stderr.String()
	if !strings.Contains(logs, "POST /v1/runwayml/gen2/extend 200 ") || !strings.Contains(logs, "POST /v1/runwayml/gen2/extend 412 ") {
		t.Errorf("request log:\n%s", logs)
	}
	if strings.Contains(logs, "cmdtest") {
		t.Errorf("the token was logged:\n%s", logs)
	}
	if _, err := http.Get(base + "/v1/runwayml/assets/"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestRunQuietAndRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:8787"},
		{"-addr", ":8787"},
		{"-addr", "[::1]:8787"},
		{"-no-such-flag"},
		{"extra-argument"},
	} {
		var stderr bytes.Buffer
		if err := run(context.Background(), args, io.Discard, &stderr); err == nil {
			t.Errorf("run %v succeeded", args)
		}
	}
	// -quiet logs nothing; -seed-demo-assets=false lists none.
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	portFile := filepath.Join(t.TempDir(), "port")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-quiet", "-seed-demo-assets=false", "-port-file", portFile}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(portFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never listening")
		}
	}
	port, _ := os.ReadFile(portFile)
	if resp, err := http.Get("http://127.0.0.1:" + strings.TrimSpace(string(port)) + "/v1/runwayml/assets/"); err == nil {
		resp.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if stderr.String() != "" || strings.Contains(stdout.String(), "demo assets") {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

// The Apikley gateway is served on the same port, with its own key, next
// to the useapi.net one; the seeded demo task can be extended at once.
func TestRunServesApikleyGateway(t *testing.T) {
	portFile := filepath.Join(t.TempDir(), "port")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-port-file", portFile, "-apikley-key", "ak-cmdtest-secret",
			"-task-duration", "100ms", "-queue-delay", "-1ns"}, &stdout, &stderr)
	}()
	var port string
	for deadline := time.Now().Add(5 * time.Second); port == ""; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("port file never written")
		}
		if b, err := os.ReadFile(portFile); err == nil {
			port = strings.TrimSpace(string(b))
		}
	}
	base := "http://127.0.0.1:" + port
	out := stdout.String()
	for _, want := range []string{"APIKLEY_ENDPOINT=" + base + "\n", "APIKLEY_API_KEY=ak-cmdtest-secret\n", "USEAPI_ENDPOINT=" + base + "/v1/runwayml\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	_, demoTask, ok := strings.Cut(out, "APIKLEY_DEMO_TASK_ID=")
	demoTask, _, _ = strings.Cut(demoTask, "\n")
	if !ok || len(demoTask) != 36 {
		t.Fatalf("no demo task id in stdout:\n%s", out)
	}

	type envelope struct {
		Code int             `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	call := func(method, path, body string) envelope {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer ak-cmdtest-secret")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e envelope
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: HTTP %d, %v", method, path, resp.StatusCode, err)
		}
		return e
	}
	created := call(http.MethodPost, "/api/v1/runway/extend", `{"taskId":"`+demoTask+`","prompt":"the boat sails on","quality":"720p"}`)
	var task struct {
		TaskID string `json:"taskId"`
	}
	if created.Code != 200 || json.Unmarshal(created.Data, &task) != nil || task.TaskID == "" {
		t.Fatalf("extend of the demo task: %+v", created)
	}
	var detail struct {
		ParentTaskID string `json:"parentTaskId"`
		State        string `json:"state"`
		VideoInfo    struct {
			VideoURL string `json:"videoUrl"`
		} `json:"videoInfo"`
	}
	for deadline := time.Now().Add(5 * time.Second); detail.State != "success"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("extension never finished: %+v", detail)
		}
		got := call(http.MethodGet, "/api/v1/runway/record-detail?taskId="+url.QueryEscape(task.TaskID), "")
		if err := json.Unmarshal(got.Data, &detail); err != nil {
			t.Fatal(err)
		}
	}
	if detail.ParentTaskID != demoTask || !strings.HasPrefix(detail.VideoInfo.VideoURL, base+"/apikley-files/") {
		t.Errorf("detail = %+v", detail)
	}
	resp, err := http.Get(detail.VideoInfo.VideoURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("video download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// A wrong key is the gateway's code 401, and the useapi.net routes are
	// still the other simulator's.
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/chat/credit", nil)
	req.Header.Set("Authorization", "Bearer user:1234-simulator")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		var e envelope
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if e.Code != 401 {
			t.Errorf("credit with the useapi token: code %d, want 401", e.Code)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/v1/runwayml/assets/?offset=0&limit=10", nil)
	req.Header.Set("Authorization", "Bearer user:1234-simulator")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("useapi.net assets list: HTTP %d", resp.StatusCode)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	logs := stderr.String()
	if !strings.Contains(logs, "POST /api/v1/runway/extend 200 ") || !strings.Contains(logs, "GET /api/v1/runway/record-detail 200 ") {
		t.Errorf("request log:\n%s", logs)
	}
	if strings.Contains(logs, "ak-cmdtest-secret") {
		t.Errorf("the API key was logged:\n%s", logs)
	}
}

// -accounts configures several Runway accounts: the simulator then asks for
// `email` on calls scoped to one account, as the gateway does, and prints
// the accounts; a value that is not an email address is refused.
func TestRunSeveralAccounts(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-accounts", "a@example.com,not-an-email"}, io.Discard, &stderr); err == nil ||
		!strings.Contains(err.Error(), "not-an-email") {
		t.Errorf("a bad -accounts value: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	portFile := filepath.Join(t.TempDir(), "port")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-quiet", "-port-file", portFile,
			"-accounts", "first@example.com, second@example.com"}, &stdout, io.Discard)
	}()
	var port string
	for deadline := time.Now().Add(5 * time.Second); port == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("never listening")
		}
		if b, err := os.ReadFile(portFile); err == nil {
			port = strings.TrimSpace(string(b))
		}
	}
	assets := func(query string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/v1/runwayml/assets/?offset=0&limit=10"+query, nil)
		req.Header.Set("Authorization", "Bearer user:1234-simulator")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := assets(""); code != http.StatusBadRequest {
		t.Errorf("GET /assets/ without email on two accounts: %d, want 400", code)
	}
	if code := assets("&email=" + url.QueryEscape("second@example.com")); code != http.StatusOK {
		t.Errorf("GET /assets/?email=second@example.com: %d, want 200", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "first@example.com, second@example.com") {
		t.Errorf("the accounts are not printed:\n%s", stdout.String())
	}
}
