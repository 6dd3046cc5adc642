package httpx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStatusWriterStatus(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter)
		want    int
	}{
		{"nothing written", func(http.ResponseWriter) {}, http.StatusOK},
		{"implicit 200 by Write", func(w http.ResponseWriter) { _, _ = io.WriteString(w, "x") }, http.StatusOK},
		{"explicit status", func(w http.ResponseWriter) { w.WriteHeader(http.StatusTeapot) }, http.StatusTeapot},
		{"first status wins", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			w.WriteHeader(http.StatusInternalServerError)
		}, http.StatusNotFound},
		{"write then status", func(w http.ResponseWriter) {
			_, _ = io.WriteString(w, "x")
			w.WriteHeader(http.StatusBadGateway)
		}, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			sw := NewStatusWriter(rec)
			tc.handler(sw)
			if got := sw.Status(); got != tc.want {
				t.Errorf("Status() = %d, want %d", got, tc.want)
			}
			if got := rec.Result().StatusCode; got != tc.want {
				t.Errorf("wrapped writer answered %d, want %d", got, tc.want)
			}
			if sw.Hijacked() {
				t.Error("Hijacked without a Hijack")
			}
		})
	}
}

func TestStatusWriterFlushAndUnwrap(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := NewStatusWriter(rec)
	if sw.Unwrap() != rec {
		t.Error("Unwrap does not return the wrapped writer")
	}
	if err := http.NewResponseController(sw).Flush(); err != nil {
		t.Fatalf("Flush through the wrapper: %v", err)
	}
	if !rec.Flushed {
		t.Error("the wrapped writer was not flushed")
	}
	// A recorder cannot be hijacked: the error comes back, still recorded.
	if _, _, err := sw.Hijack(); err == nil {
		t.Error("hijacked a recorder")
	}
	if !sw.Hijacked() {
		t.Error("Hijack not recorded")
	}
}

func TestStatusWriterHijack(t *testing.T) {
	hijacked := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// Two wrappers deep, as a logging middleware in front of a simulator.
		sw := NewStatusWriter(NewStatusWriter(w))
		conn, _, err := http.NewResponseController(sw).Hijack()
		if err != nil {
			hijacked <- false
			return
		}
		_ = conn.Close()
		hijacked <- sw.Hijacked()
	}))
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a hijacked and closed connection answered %d", resp.StatusCode)
	}
	if !<-hijacked {
		t.Error("the connection was not hijacked through the wrappers")
	}
}
