package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"sitrep/internal/db"
	"sitrep/internal/pgtest"
	"sitrep/internal/server"
)

// Two servers starting together against one empty database both come up
// ready: the advisory lock lets one migrate while the other waits.
func TestTwoServersStartOnAnEmptyDatabase(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	ready := make([]int, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// What `sitrep serve` does at start-up.
			if _, errs[i] = db.Migrate(ctx, url); errs[i] != nil {
				return
			}
			pool, err := db.Open(ctx, url, db.Options{})
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			srv, err := server.New(server.Config{Pool: pool, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				errs[i] = err
				return
			}
			defer srv.Close()
			hs := httptest.NewServer(srv)
			defer hs.Close()
			resp, err := http.Get(hs.URL + "/readyz")
			if err != nil {
				errs[i] = err
				return
			}
			resp.Body.Close()
			ready[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("server %d: %v", i, errs[i])
		}
		if ready[i] != http.StatusOK {
			t.Fatalf("server %d: readyz %d", i, ready[i])
		}
	}
}
