package simulator

import (
	"fmt"
	"sync"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/media"
)

// The MP4 helpers live in internal/media (the provider reads uploads with
// them too); these names keep the simulator's API unchanged.
type MP4Info = media.MP4Info

var (
	ErrNotMP4    = media.ErrNotMP4
	ParseMP4Info = media.ParseMP4Info
)

// videoFrameRate is the frame rate of every video the simulator makes, as
// its artifact metadata reports it.
const videoFrameRate = 24

// MinimalMP4 returns a real, playable MP4 (H.264, media.VideoMP4) of
// the given size and duration at 24 fps, each frame naming the simulator,
// the size, the duration and the frame. A size or duration media.VideoMP4
// refuses (under 16 pixels, over 4096, odd, over 10 minutes, zero) yields
// media.MinimalMP4's header-only file instead: metadata readers still see
// the size and duration, players do not.
func MinimalMP4(width, height int, duration time.Duration) []byte {
	return cachedVideo(media.VideoSpec{
		Width: width, Height: height, Duration: duration, FrameRate: videoFrameRate,
		Title: "runway simulator",
	})
}

// taskVideo is the artifact of a finished task: a playable MP4 of the
// task's output size and duration whose frames show the model, the prompt,
// the task id and a frame counter.
func taskVideo(t *task) []byte {
	lines := []string{"task " + t.taskID}
	if t.params.textPrompt != "" {
		lines = append(lines, "prompt: "+t.params.textPrompt)
	}
	if t.params.inputUUID != "" {
		lines = append(lines, "input asset "+t.params.inputUUID)
	}
	lines = append(lines, fmt.Sprintf("seed %d", t.params.seed))
	return cachedVideo(media.VideoSpec{
		Width: t.outW, Height: t.outH, Duration: t.outDur, FrameRate: videoFrameRate,
		Title: "runway simulator - " + t.taskType + " (" + t.path + ")",
		Lines: lines,
	})
}

// Rendering a video takes milliseconds (an H.264 picture per second of
// video, every other one coding only what changed); the last few are kept, since tests and benchmarks ask for the same
// few sizes over and over. Callers share the bytes and must not modify them.
const videoCacheSize = 16

var videoCache struct {
	mu    sync.Mutex
	order []string
	data  map[string][]byte
}

func cachedVideo(spec media.VideoSpec) []byte {
	key := fmt.Sprintf("%#v", spec)
	videoCache.mu.Lock()
	if b, ok := videoCache.data[key]; ok {
		videoCache.mu.Unlock()
		return b
	}
	videoCache.mu.Unlock()

	b, err := media.VideoMP4(spec)
	if err != nil {
		b = media.MinimalMP4(spec.Width, spec.Height, spec.Duration)
	}

	videoCache.mu.Lock()
	defer videoCache.mu.Unlock()
	if videoCache.data == nil {
		videoCache.data = map[string][]byte{}
	}
	if _, ok := videoCache.data[key]; !ok {
		if len(videoCache.order) >= videoCacheSize {
			delete(videoCache.data, videoCache.order[0])
			videoCache.order = videoCache.order[1:]
		}
		videoCache.order = append(videoCache.order, key)
		videoCache.data[key] = b
	}
	return b
}
