package main

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// Connections the kernel has accepted when the drain starts, and whose
// request comes only afterwards, are all answered: none is reset by the
// listener closing, none dropped by Shutdown for not being read yet.
func TestStopAnswersConnectionsItHadAlreadyAccepted(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 5 * time.Second,
	}
	svc := startServing(srv, ln, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// Connected (the handshake is the kernel's), nothing sent yet.
	conns := make([]net.Conn, 20)
	for i := range conns {
		if conns[i], err = net.Dial("tcp", ln.Addr().String()); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	stopped := make(chan error, 1)
	go func() { stopped <- svc.stop(5 * time.Second) }()
	time.Sleep(2 * acceptQuiet) // the listener closes meanwhile

	for i, c := range conns {
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d: no answer: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: %d", i, resp.StatusCode)
		}
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Fatal("a new connection was accepted after the drain")
	}
}
