package bench

import (
	"testing"
	"time"
)

func TestMedianAndMax(t *testing.T) {
	tests := []struct {
		name      string
		in        []float64
		wantMed   float64
		wantMax   float64
		unchanged []float64
	}{
		{"empty", nil, 0, 0, nil},
		{"one", []float64{3}, 3, 3, []float64{3}},
		{"odd, unsorted", []float64{5, 1, 3}, 3, 5, []float64{5, 1, 3}},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5, 4, []float64{4, 1, 3, 2}},
		{"negative values", []float64{-1, -3, -2}, -2, -1, []float64{-1, -3, -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.in); got != tt.wantMed {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.wantMed)
			}
			if got := maxOf(tt.in); got != tt.wantMax {
				t.Errorf("maxOf(%v) = %v, want %v", tt.in, got, tt.wantMax)
			}
			for i := range tt.unchanged {
				if tt.in[i] != tt.unchanged[i] {
					t.Fatalf("median sorted its input in place: %v", tt.in)
				}
			}
		})
	}
}

func TestSeconds(t *testing.T) {
	got := seconds([]time.Duration{1500 * time.Millisecond, 0, -time.Second})
	want := []float64{1.5, 0, -1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("seconds = %v, want %v", got, want)
		}
	}
}

func TestGenRunSummaries(t *testing.T) {
	tests := []struct {
		name     string
		run      genRun
		wantLat  float64
		wantMax  int
		wantMean float64
	}{
		{"no tasks", genRun{}, 0, 0, 0},
		{"three tasks", genRun{
			Latencies:    []time.Duration{300 * time.Millisecond, 100 * time.Millisecond, 2 * time.Second},
			PollsPerTask: []int{4, 6, 5},
		}, 0.3, 6, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run.medianLatency(); got != tt.wantLat {
				t.Errorf("medianLatency = %v, want %v", got, tt.wantLat)
			}
			if got := tt.run.maxPolls(); got != tt.wantMax {
				t.Errorf("maxPolls = %v, want %v", got, tt.wantMax)
			}
			if got := tt.run.meanPolls(); got != tt.wantMean {
				t.Errorf("meanPolls = %v, want %v", got, tt.wantMean)
			}
		})
	}
}

func TestWorkload(t *testing.T) {
	tests := []struct {
		wl        workload
		wantLimit time.Duration
		wantQueue time.Duration
		wantRun   time.Duration
	}{
		{throughputWorkload, 15 * time.Second, 300 * time.Millisecond, 2700 * time.Millisecond},
		{detectionWorkload, 10 * time.Second, time.Second, 9 * time.Second},
		{workload{n: 21, maxJobs: 4, taskTime: 3 * time.Second}, 18 * time.Second, 300 * time.Millisecond, 2700 * time.Millisecond},
		{workload{n: 1, maxJobs: 10, taskTime: time.Second}, time.Second, 100 * time.Millisecond, 900 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := tt.wl.capacityLimit(); got != tt.wantLimit {
			t.Errorf("%+v: capacityLimit = %s, want %s", tt.wl, got, tt.wantLimit)
		}
		o := tt.wl.simOptions()
		if o.QueueDelay != tt.wantQueue || o.TaskDuration != tt.wantRun || o.QueueDelay+o.TaskDuration != tt.wl.taskTime {
			t.Errorf("%+v: queue %s + running %s, want %s + %s", tt.wl, o.QueueDelay, o.TaskDuration, tt.wantQueue, tt.wantRun)
		}
		if o.MaxJobs != tt.wl.maxJobs || !o.SeedDemoAssets || o.Credits < 20*tt.wl.n {
			t.Errorf("%+v: options %+v", tt.wl, o)
		}
	}
}
