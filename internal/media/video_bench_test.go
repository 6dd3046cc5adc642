package media

import (
	"testing"
	"time"
)

// A 5 s 1280x768 video: the cost of a simulator artifact not yet cached.
func BenchmarkVideoMP4(b *testing.B) {
	spec := VideoSpec{Width: 1280, Height: 768, Duration: 5 * time.Second, Title: "gen3a_turbo", Lines: []string{"prompt: a cat"}}
	for b.Loop() {
		if _, err := VideoMP4(spec); err != nil {
			b.Fatal(err)
		}
	}
}
