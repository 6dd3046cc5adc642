// Package httpx holds the small net/http helpers shared by the gateway
// simulators and the benchmark harness. It uses only the standard library.
package httpx

import (
	"bufio"
	"net"
	"net/http"
)

// StatusWriter wraps an http.ResponseWriter and records the status of the
// answer and whether the connection was hijacked (closed without an answer
// by a fault). Unwrap, Hijack and Flush keep the wrapped writer's features
// reachable through http.ResponseController.
type StatusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

// NewStatusWriter wraps w.
func NewStatusWriter(w http.ResponseWriter) *StatusWriter {
	return &StatusWriter{ResponseWriter: w}
}

// Status is the first status written, or http.StatusOK when the handler has
// written nothing (as net/http answers then).
func (w *StatusWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Hijacked reports whether Hijack was called, i.e. whether the handler took
// the connection over (to close it without an answer) rather than answer.
func (w *StatusWriter) Hijacked() bool { return w.hijacked }

// WriteHeader records the first status and forwards it.
func (w *StatusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write records an implicit 200 when no status was written and forwards b.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack records the hijack and hijacks the wrapped writer's connection when
// it can.
func (w *StatusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Flush forwards to the wrapped writer when it can flush.
func (w *StatusWriter) Flush() {
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}
