package download

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// artifactSecret stands for the signature of a signed URL: it must never
// appear in an error message.
const artifactSecret = "SIGNATURE-s3cr3t"

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fileServer answers each request with the handler for its 1-based index
// (the last one repeats) and counts requests. It listens on loopback only.
type fileServer struct {
	*httptest.Server
	n atomic.Int64
}

func newFileServer(t *testing.T, answers ...http.HandlerFunc) *fileServer {
	t.Helper()
	fsrv := &fileServer{}
	fsrv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(fsrv.n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w, r)
	}))
	t.Cleanup(fsrv.Close)
	return fsrv
}

func serveBytes(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}
}

func serveStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nope", code)
	}
}
