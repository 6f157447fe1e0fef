package server_test

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/server"
)

// A client that sends its headers and then dribbles the body is answered
// 408 and let go when the body's time is up, instead of holding a handler
// and a connection for as long as it likes.
func TestSlowBodyIsTimedOut(t *testing.T) {
	e := apitest.StartWith(t, func(c *server.Config) { c.BodyTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"name":"viewer","password":"0123456789"}`
	_, err = conn.Write([]byte("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Content-Length: " + itoa(int64(len(body))) + "\r\n\r\n" + body[:10]))
	if err != nil {
		t.Fatal(err)
	}
	// Generous: the server's deadline is 300 ms; a busy machine may take
	// far longer to get round to answering, which is fine.
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a dribbled body: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %q, want 408 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// A client that sends its body at once is not affected.
	if r := e.Do("POST", "/api/v1/auth/login", "", body); r.StatusCode == http.StatusRequestTimeout {
		t.Fatal("a prompt body timed out")
	}
}
