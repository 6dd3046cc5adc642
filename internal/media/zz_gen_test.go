package media

import (
	"os"
	"testing"
	"time"
)

func TestZZGen(t *testing.T) {
	for _, c := range []struct {
		name string
		spec VideoSpec
	}{
		{"a5", VideoSpec{Width: 1280, Height: 768, Duration: 5 * time.Second, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}}},
		{"a10", VideoSpec{Width: 768, Height: 1280, Duration: 10 * time.Second, FrameRate: 24, Title: "gen3a"}},
		{"demo", demoClipSpec},
		{"small", VideoSpec{Width: 320, Height: 240, Duration: 5 * time.Second, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}}},
	} {
		st := time.Now()
		b, err := VideoMP4(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/h264chk/"+c.name+".mp4", b, 0o644)
		t.Logf("%s: %d bytes, %.1f KB/s in %v", c.name, len(b), float64(len(b))/1024/c.spec.Duration.Seconds(), time.Since(st))
	}
}
