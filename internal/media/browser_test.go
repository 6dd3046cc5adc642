//go:build linux

package media

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// browserPage plays /video.mp4 muted and posts what it saw to /result:
// the video's size and duration, whether play() resolved, currentTime
// before and after half a second of playback, and the brightest and mean
// red value of the frame drawn on a canvas.
const browserPage = `<!doctype html>
<html><body><video id="v" muted playsinline preload="auto" src="/video.mp4"></video>
<script>
const v = document.getElementById('v');
const r = {};
const send = () => fetch('/result', {method: 'POST', body: JSON.stringify(r)});
v.onerror = () => { r.error = v.error ? v.error.code + ' ' + v.error.message : 'error'; send(); };
v.onloadedmetadata = async () => {
  r.width = v.videoWidth; r.height = v.videoHeight; r.duration = v.duration;
  try { await v.play(); r.played = true; } catch (e) { r.error = 'play: ' + e; }
  r.start = v.currentTime;
  setTimeout(() => {
    r.later = v.currentTime;
    const c = document.createElement('canvas');
    c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let mx = 0, sum = 0;
    for (let i = 0; i < d.length; i += 4) { mx = Math.max(mx, d[i]); sum += d[i]; }
    r.maxRed = mx; r.meanRed = sum / (d.length / 4);
    send();
  }, 600);
};
</script></body></html>`

type browserResult struct {
	Error         string
	Width, Height int
	Duration      float64
	Played        bool
	Start, Later  float64
	MaxRed        int
	MeanRed       float64
}

func findChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium): skipping the browser playback test")
	return ""
}

// A browser plays VideoMP4's output: headless Chromium loads it in a
// <video>, plays it, and reports its size, its duration and a frame with
// content.
func TestVideoMP4PlaysInBrowser(t *testing.T) {
	chromium := findChromium(t)
	spec := VideoSpec{Width: 640, Height: 360, Duration: 3 * time.Second, FrameRate: 24,
		Title: "gen4_turbo", Lines: []string{"prompt: a browser plays this"}}
	video, err := VideoMP4(spec)
	if err != nil {
		t.Fatal(err)
	}

	results := make(chan browserResult, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, browserPage)
	})
	mux.HandleFunc("/video.mp4", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "video.mp4", time.Time{}, bytes.NewReader(video))
	})
	mux.HandleFunc("/result", func(_ http.ResponseWriter, r *http.Request) {
		var res browserResult
		if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
			res.Error = "bad report: " + err.Error()
		}
		select {
		case results <- res:
		default:
		}
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--mute-audio", "--user-data-dir="+t.TempDir(), "--autoplay-policy=no-user-gesture-required", srv.URL+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so that the browser's helpers die with it
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Skipf("chromium would not start: %v", err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()

	var res browserResult
	select {
	case res = <-results:
	case <-ctx.Done():
		t.Fatalf("no report from chromium within 15 s; its output:\n%s", out.String())
	}
	if res.Error != "" {
		t.Fatalf("the browser could not play the video: %s", res.Error)
	}
	if !res.Played || res.Later <= res.Start {
		t.Errorf("playback did not advance: play() resolved %v, currentTime %.3f then %.3f", res.Played, res.Start, res.Later)
	}
	if res.Width != spec.Width || res.Height != spec.Height {
		t.Errorf("videoWidth×videoHeight = %dx%d, want %dx%d", res.Width, res.Height, spec.Width, spec.Height)
	}
	if d := math.Abs(res.Duration - spec.Duration.Seconds()); d > 1/float64(spec.FrameRate) {
		t.Errorf("duration = %.3f s, want %.3f s within a frame", res.Duration, spec.Duration.Seconds())
	}
	// The background is a dark gray and the text nearly white.
	if res.MaxRed < 150 || res.MeanRed < 10 {
		t.Errorf("the frame drawn on a canvas looks empty: brightest red %d, mean %.1f", res.MaxRed, res.MeanRed)
	}
	t.Logf("chromium: %+v", res)
}
