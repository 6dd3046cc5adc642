package testfake

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestSleeperRecordsAndHooks(t *testing.T) {
	var s Sleeper
	var seen []int
	s.OnSleep(func(n int) { seen = append(seen, n) })
	_ = s.Sleep(context.Background(), time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Sleep(ctx, 2*time.Second); err == nil {
		t.Error("Sleep on an ended context returned nil")
	}
	if got := s.Waits(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second}) || !slices.Equal(seen, []int{1, 2}) {
		t.Errorf("waits %v, hook saw %v", got, seen)
	}
}

func TestFileServerScriptsAnswers(t *testing.T) {
	srv := NewFileServer(t, ServeStatus(http.StatusBadGateway), ServeBytes([]byte("clip")))
	for i, want := range []int{http.StatusBadGateway, http.StatusOK, http.StatusOK} {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == http.StatusOK && string(body) != "clip") {
			t.Errorf("request %d: %d %q", i+1, resp.StatusCode, body)
		}
	}
	if n := srv.Requests(); n != 3 {
		t.Errorf("Requests() = %d, want 3", n)
	}
}
