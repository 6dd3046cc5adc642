package simulator

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe log sink.
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

func TestLoopbackAddr(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"127.0.0.1:8787", "127.0.0.1:8787", true},
		{"127.0.0.1:0", "127.0.0.1:0", true},
		{"localhost:9000", "127.0.0.1:9000", true},
		{":8787", "", false},
		{"0.0.0.0:8787", "", false},
		{"[::1]:8787", "", false},
		{"[::]:8787", "", false},
		{"192.168.1.10:8787", "", false},
		{"example.com:80", "", false},
		{"127.0.0.2:80", "", false},
		{"127.0.0.1", "", false},
		{"127.0.0.1:http", "", false},
		{"127.0.0.1:70000", "", false},
	}
	for _, tc := range tests {
		got, err := LoopbackAddr(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("LoopbackAddr(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if _, err := Start("0.0.0.0:0", New(Options{}), nil); err == nil {
		t.Error("Start listened on every interface")
	}
}

func get(t *testing.T, u, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestStartServesAndLogs(t *testing.T) {
	var logs syncBuffer
	sim := New(Options{SeedDemoAssets: true})
	srv, err := Start("127.0.0.1:0", sim, &logs)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	if srv.Port == 0 || srv.URL != "http://127.0.0.1:"+strconv.Itoa(srv.Port) || srv.Endpoint() != srv.URL+"/v1/runwayml" {
		t.Fatalf("server %+v", srv)
	}
	status, body := get(t, srv.Endpoint()+"/assets/?offset=0&limit=10", sim.Token())
	if status != 200 || !strings.Contains(string(body), DemoVideoLandscapeUUID) {
		t.Fatalf("list: %d %s", status, body)
	}
	// The file URL in the answer points back at this server.
	if !strings.Contains(string(body), `"url":"`+srv.URL+"/files/") {
		t.Errorf("URLs not built from the request host: %s", body)
	}
	if status, _ := get(t, srv.Endpoint()+"/tasks/nope", "wrong"); status != 401 {
		t.Errorf("wrong token: %d", status)
	}
	sim.Inject(Fault{Path: "/tasks/", Drop: true})
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	if _, err := (&http.Client{Transport: tr}).Get(srv.Endpoint() + "/tasks/x"); err == nil {
		t.Error("dropped request answered")
	}
	// The client can see the closed connection before the handler logs it.
	for deadline := time.Now().Add(2 * time.Second); !strings.Contains(logs.String(), " dropped ") && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	out := logs.String()
	for _, want := range []string{"GET /v1/runwayml/assets/ 200 ", "GET /v1/runwayml/tasks/nope 401 ", "GET /v1/runwayml/tasks/x dropped "} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{sim.Token(), "Bearer", "_jwt", "offset="} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestListenAndServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Server, 1)
	done := make(chan error, 1)
	go func() {
		done <- ListenAndServe(ctx, "127.0.0.1:0", Options{Token: "user:1-t"}, io.Discard, func(s *Server, sim *Simulator) error {
			if sim.Token() != "user:1-t" {
				t.Errorf("token %q", sim.Token())
			}
			ready <- s
			return nil
		})
	}()
	var srv *Server
	select {
	case srv = <-ready:
	case err := <-done:
		t.Fatalf("ListenAndServe: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("never ready")
	}
	if status, _ := get(t, srv.Endpoint()+"/assets/?offset=0&limit=1", "user:1-t"); status != 200 {
		t.Errorf("status %d", status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after cancel: %v", err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	// An error from ready stops the server and is returned.
	boom := errors.New("boom")
	if err := ListenAndServe(context.Background(), "127.0.0.1:0", Options{}, nil, func(*Server, *Simulator) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("ready error: %v", err)
	}
	if err := ListenAndServe(context.Background(), "0.0.0.0:0", Options{}, nil, nil); err == nil {
		t.Error("listened on every interface")
	}
}
