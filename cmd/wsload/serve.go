package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"

	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/realtime"
)

// runServers is the child process: Sitrep's stream at /ws (as server.New
// mounts it: authenticated, a registered layer) and the bare broadcast at
// /bare, on one loopback port.
func runServers(dbURL string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	pool, err := db.Open(ctx, dbURL, db.Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	hub := realtime.New(realtime.Config{Pool: pool, Logger: slog.New(slog.DiscardHandler)})
	// A layer with nothing in its snapshot: the load is all deltas.
	hub.Register(realtime.QuerySnapshotter("load", `SELECT '{}'::json WHERE $1::float8 IS NOT NULL AND $2::float8 IS NOT NULL
		AND $3::float8 IS NOT NULL AND $4::float8 IS NOT NULL`))
	store := auth.NewStore(pool)
	b := newBare()

	r := chi.NewRouter()
	r.With(store.Authenticate, auth.Require(auth.ReadMap)).Method(http.MethodGet, "/ws", hub)
	r.Get("/bare", b.serve)
	r.Get("/mem", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		_ = json.NewEncoder(w).Encode(ms.HeapAlloc)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("ADDR %s\n", ln.Addr())
	hs := &http.Server{Handler: r}
	go func() { <-ctx.Done(); hub.Shutdown(); _ = hs.Close() }()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// bare is the baseline: the gorilla chat example's shape (a writer
// goroutine and a buffered channel per client, one prepared message per
// broadcast), with no database, no auth, no filtering.
type bare struct {
	mu      sync.Mutex
	clients map[chan *websocket.PreparedMessage]struct{}
	up      websocket.Upgrader
}

func newBare() *bare {
	return &bare{clients: map[chan *websocket.PreparedMessage]struct{}{},
		up: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

func (b *bare) serve(w http.ResponseWriter, r *http.Request) {
	c, err := b.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	if r.URL.Query().Get("publish") != "" {
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			pm, err := websocket.NewPreparedMessage(websocket.TextMessage, data)
			if err != nil {
				return
			}
			b.mu.Lock()
			for ch := range b.clients {
				select {
				case ch <- pm:
				default: // too slow: dropped, as the chat example does
				}
			}
			b.mu.Unlock()
		}
	}
	ch := make(chan *websocket.PreparedMessage, 256)
	b.mu.Lock()
	b.clients[ch] = struct{}{}
	b.mu.Unlock()
	defer func() { b.mu.Lock(); delete(b.clients, ch); b.mu.Unlock() }()
	go func() {
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				c.Close()
				return
			}
		}
	}()
	for pm := range ch {
		if err := c.WritePreparedMessage(pm); err != nil {
			return
		}
	}
}
