package bench

import (
	"reflect"
	"testing"
)

func TestParseBenchOutput(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want []microResult
	}{
		{
			name: "two benchmarks, two counts, MB/s column and GOMAXPROCS suffix",
			out: `goos: linux
goarch: amd64
pkg: github.com/tfrunway/terraform-provider-runway/internal/useapi
cpu: AMD EPYC
BenchmarkWaitForTaskLoop-2   	   42781	     30192 ns/op	    7479 B/op	      76 allocs/op
BenchmarkDecodeTask-2        	   26386	     41220 ns/op	  48.76 MB/s	    4800 B/op	     104 allocs/op
BenchmarkWaitForTaskLoop-2   	   40000	     31000.5 ns/op	    7480 B/op	      76 allocs/op
BenchmarkDecodeTask-2        	   26000	     40000 ns/op	  50.01 MB/s	    4800 B/op	     104 allocs/op
PASS
ok  	github.com/tfrunway/terraform-provider-runway/internal/useapi	2.762s
`,
			want: []microResult{
				{Name: "BenchmarkWaitForTaskLoop", Samples: []microSample{{30192, 7479, 76}, {31000.5, 7480, 76}}},
				{Name: "BenchmarkDecodeTask", Samples: []microSample{{41220, 4800, 104}, {40000, 4800, 104}}},
			},
		},
		{
			name: "without a GOMAXPROCS suffix",
			out:  "BenchmarkX 	 10	 5 ns/op	 0 B/op	 0 allocs/op\n",
			want: []microResult{{Name: "BenchmarkX", Samples: []microSample{{5, 0, 0}}}},
		},
		{
			name: "lines without -benchmem are ignored",
			out:  "BenchmarkX-8 	 10	 5 ns/op\nFAIL\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBenchOutput([]byte(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMicroResultMedian(t *testing.T) {
	m := microResult{Samples: []microSample{{3, 30, 1}, {1, 10, 1}, {2, 20, 2}}}
	tests := []struct {
		name string
		f    func(microSample) float64
		want float64
	}{
		{"ns/op", func(s microSample) float64 { return s.NsPerOp }, 2},
		{"B/op", func(s microSample) float64 { return s.BytesPerOp }, 20},
		{"allocs/op", func(s microSample) float64 { return s.AllocsPerOp }, 1},
	}
	for _, tt := range tests {
		if got := m.medianOf(tt.f); got != tt.want {
			t.Errorf("%s: median %v, want %v", tt.name, got, tt.want)
		}
	}
}
