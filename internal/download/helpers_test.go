package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// artifactSecret stands for the signature of a signed URL: it must never
// appear in an error message.
const artifactSecret = "SIGNATURE-s3cr3t"

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// recLogger records log lines.
type recLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recLogger) Log(_ context.Context, level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recLogger) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func fixedRand(v float64) func() float64 { return func() float64 { return v } }
