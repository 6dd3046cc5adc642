package transport

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type logLine struct {
	Level  string
	Msg    string
	Fields map[string]any
}

type recLogger struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *recLogger) Log(_ context.Context, level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cp := make(map[string]any, len(fields))
	for k, v := range fields {
		cp[k] = v
	}
	l.lines = append(l.lines, logLine{Level: level, Msg: msg, Fields: cp})
}

func (l *recLogger) Lines() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines...)
}

func (l *recLogger) Count(level string) int {
	n := 0
	for _, ln := range l.Lines() {
		if ln.Level == level {
			n++
		}
	}
	return n
}

func (l *recLogger) Text() string {
	var b strings.Builder
	for _, ln := range l.Lines() {
		fmt.Fprintf(&b, "%s %s %v\n", ln.Level, ln.Msg, ln.Fields)
	}
	return b.String()
}

// counter counts requests seen by a test server.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) Inc() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

func (c *counter) Get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// hijackClose drops the connection without answering.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func fixedRand(v float64) func() float64 { return func() float64 { return v } }
