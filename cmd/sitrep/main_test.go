package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"sitrep/internal/pgtest"
)

func TestUsersAddPrintsTokenOnLastLine(t *testing.T) {
	url := pgtest.NewMigratedDatabase(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := runUsers(ctx, []string{"add", "ops-tablet", "--role", "dispatcher", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "sitrep_") || strings.Contains(token, " ") {
		t.Fatalf("last line %q is not a token alone", token)
	}
	// An unknown role is refused with the valid ones listed, and nothing is stored.
	err := runUsers(ctx, []string{"add", "bob", "--role", "king", "--database-url", url}, &out)
	if err == nil || !strings.Contains(err.Error(), "duty_officer") {
		t.Fatalf("bad role: %v", err)
	}
	out.Reset()
	if err := runUsers(ctx, []string{"list", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ops-tablet") || strings.Contains(out.String(), "bob") {
		t.Fatalf("list:\n%s", out.String())
	}
	// The printed token works against a server, and stops working once revoked.
	addr := freeAddr(t)
	stop := startServe(t, url, addr)
	defer stop()
	if code := getMe(t, addr, token); code != 200 {
		t.Fatalf("token refused: %d", code)
	}
	if err := runUsers(ctx, []string{"revoke", "1", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	if code := getMe(t, addr, token); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for name, c := range commands {
		var out bytes.Buffer
		err := c.run(context.Background(), []string{"--help"}, &out)
		if err == nil || !strings.Contains(out.String(), "Usage: sitrep "+name) {
			t.Errorf("%s --help: err %v, output %q", name, err, out.String())
		}
	}
}

// SIGTERM (here: the context) closes every map wall's websocket with 1001
// going-away, then serve returns nil and stops accepting.
func TestServeShutsDownGracefully(t *testing.T) {
	url := pgtest.NewDatabase(t) // empty: serve migrates it
	addr := freeAddr(t)
	stop := startServe(t, url, addr)
	var out bytes.Buffer
	if err := runUsers(context.Background(), []string{"add", "wall", "--role", "viewer", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	header := http.Header{"Authorization": {"Bearer " + lines[len(lines)-1]}}
	var walls []*websocket.Conn
	for range 5 {
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", header)
		if err != nil {
			t.Fatal(err)
		}
		if err := ws.WriteJSON(map[string]any{"type": "subscribe", "layers": []string{"boundaries"}}); err != nil {
			t.Fatal(err)
		}
		walls = append(walls, ws)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after shutdown", err)
	}
	for i, ws := range walls {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var err error
		for err == nil {
			_, _, err = ws.ReadMessage()
		}
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("wall %d: %v, want close 1001 going away", i, err)
		}
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("still accepting after shutdown")
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `sitrep serve` in-process and waits until it is ready. The
// returned function stops it as SIGTERM would and returns serve's error.
func startServe(t *testing.T, dbURL, addr string) func() error {
	t.Setenv("SITREP_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, []string{"--database-url", dbURL}, &bytes.Buffer{}) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var stopped bool
	var result error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			result = <-done
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func getMe(t *testing.T, addr, token string) int {
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api/v1/auth/me", addr), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
