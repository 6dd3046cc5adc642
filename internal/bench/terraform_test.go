package bench

import (
	"bytes"
	"regexp"
	"testing"
	"time"
)

func TestStampWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string // with every stamp replaced by "+S "
	}{
		{"whole lines", []string{"a\n", "b\n"}, "+S a\n+S b\n"},
		{"a line split over writes", []string{"ab", "c\nd", "e\n"}, "+S abc\n+S de\n"},
		{"several lines in one write", []string{"a\nb\nc"}, "+S a\n+S b\n+S c"},
		{"empty lines", []string{"\n\n"}, "+S \n+S \n"},
		{"nothing", nil, ""},
	}
	stamp := regexp.MustCompile(`\+\d+\.\d{3}s `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := &stampWriter{w: &out, start: time.Now(), lineStart: true}
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			if got := stamp.ReplaceAllString(out.String(), "+S "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
