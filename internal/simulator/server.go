package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/tfrunway/terraform-provider-runway/internal/simulator/httpx"
)

// Server is a simulator (or any handler) served over HTTP on 127.0.0.1.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:8787".
	URL string
	// Port is the bound TCP port (useful with port 0).
	Port int

	srv      *http.Server
	done     chan struct{} // closed when Serve has returned
	serveErr error         // why Serve returned (nil after Shutdown)
}

// Endpoint is the gateway endpoint to configure in the provider
// (USEAPI_ENDPOINT): URL + "/v1/runwayml".
func (s *Server) Endpoint() string { return s.URL + APIPrefix }

// LoopbackAddr validates a listen address and returns it with the host the
// simulator will bind. Only 127.0.0.1 is accepted ("localhost" means it): the
// simulator accepts a fixed, printed token and must never be reachable from
// another machine. An empty host (":8787") is refused because it would bind
// every interface.
func LoopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("invalid listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if host != "127.0.0.1" {
		return "", fmt.Errorf("refusing to listen on %q: the simulator only listens on 127.0.0.1", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("invalid port in listen address %q", addr)
	}
	return net.JoinHostPort(host, port), nil
}

// Start listens on addr (loopback only, see LoopbackAddr) and serves h in the
// background. When logw is not nil each request is logged there (method,
// path, status, latency; never headers or query strings, so neither the
// token nor URL signatures end up in logs).
func Start(addr string, h http.Handler, logw io.Writer) (*Server, error) {
	addr, err := LoopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return nil, err
	}
	if logw != nil {
		h = LogRequests(h, logw)
	}
	tcpAddr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return nil, fmt.Errorf("listening on %s gave the non-TCP address %v", addr, ln.Addr())
	}
	port := tcpAddr.Port
	s := &Server{
		URL:  fmt.Sprintf("http://127.0.0.1:%d", port),
		Port: port,
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return s, nil
}

// Shutdown stops accepting connections and waits (until ctx ends) for
// in-flight requests to finish; then it closes what is left. It may be
// called more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	<-s.done
	if err == nil {
		err = s.serveErr
	}
	return err
}

// ListenAndServe runs a Simulator built from opts on addr until ctx is done,
// then shuts down gracefully (up to 5 s). ready, when not nil, is called once
// the server listens, e.g. to print the endpoint or write a port file; an
// error from ready stops the server and is returned.
func ListenAndServe(ctx context.Context, addr string, opts Options, logw io.Writer, ready func(*Server, *Simulator) error) error {
	sim := New(opts)
	srv, err := Start(addr, sim, logw)
	if err != nil {
		return err
	}
	var readyErr error
	if ready != nil {
		readyErr = ready(srv, sim)
	}
	if readyErr == nil {
		select {
		case <-ctx.Done():
		case <-srv.done: // Serve failed; Shutdown reports why
		}
	}
	// ctx is usually done by now: shut down under a fresh deadline that
	// keeps its values but not its cancellation.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return readyErr
}

// LogRequests logs one line per request to w: method, path, status and
// latency ("dropped" when a fault closed the connection).
func LogRequests(h http.Handler, w io.Writer) http.Handler {
	logger := log.New(w, "", log.LstdFlags|log.Lmicroseconds)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := httpx.NewStatusWriter(rw)
		defer func() {
			p := recover()
			status := strconv.Itoa(lw.Status())
			switch {
			case lw.Hijacked():
				status = "dropped"
			case p != nil:
				status = "aborted"
			}
			logger.Printf("%s %s %s %s", r.Method, r.URL.EscapedPath(), status, time.Since(start).Round(time.Microsecond))
			if p != nil {
				panic(p)
			}
		}()
		h.ServeHTTP(lw, r)
	})
}
