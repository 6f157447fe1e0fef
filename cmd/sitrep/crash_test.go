package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/pgtest"
)

// The real binary is killed with SIGKILL while writers hammer it. After a
// restart every write it acknowledged is there, each with its audit row,
// and the live stream's event numbers run without a gap: a write commits
// whole or not at all, whatever moment the process dies.
func TestKilledServerLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	url := pgtest.NewMigratedDatabase(t)
	bin := filepath.Join(t.TempDir(), "sitrep")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	var out bytes.Buffer
	if err := runUsers(context.Background(), []string{"add", "crash-test", "--role", "editor", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]

	addr := freeAddr(t)
	srv := startBinary(t, bin, url, addr)

	// Writers create shelters until the server dies under them; what each
	// got a 201 for is acknowledged and must survive.
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, ok := createShelter(addr, token, fmt.Sprintf("避难点〔崩溃测试〕%d-%d", w, i))
				if ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill once enough writes are in flight and acknowledged, whatever the
	// machine's speed.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait()
	close(stop)
	wg.Wait()

	srv = startBinary(t, bin, url, addr)
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	for _, id := range acked {
		if code := get(t, addr, token, "/api/v1/shelters/"+id); code != http.StatusOK {
			t.Fatalf("acknowledged shelter %s: GET %d after the restart", id, code)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var audited, created int
	if err := conn.QueryRow(context.Background(), `SELECT
			(SELECT count(DISTINCT entity_id) FROM audit_log WHERE entity = 'shelters' AND entity_id = ANY($1)),
			(SELECT count(*) FROM shelters)`, acked).Scan(&audited, &created); err != nil {
		t.Fatal(err)
	}
	if audited != len(acked) {
		t.Fatalf("%d of %d acknowledged shelters have an audit row", audited, len(acked))
	}
	// Every stored shelter (acknowledged or cut off before its answer) has
	// its event; the numbers are gap-free and the counter agrees.
	var events, minSeq, maxSeq, counter int64
	if err := conn.QueryRow(context.Background(), `SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0),
			(SELECT last_seq FROM event_counter) FROM events`).Scan(&events, &minSeq, &maxSeq, &counter); err != nil {
		t.Fatal(err)
	}
	if events != maxSeq-minSeq+1 || counter != maxSeq {
		t.Fatalf("events: %d rows, seq %d..%d, counter %d: not gap-free", events, minSeq, maxSeq, counter)
	}
	var shelterEvents int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE topic = 'shelters'`).Scan(&shelterEvents); err != nil {
		t.Fatal(err)
	}
	if shelterEvents != created {
		t.Fatalf("%d shelters stored, %d shelter events", created, shelterEvents)
	}
	// And the restarted server goes on numbering from there.
	if _, ok := createShelter(addr, token, "避难点〔崩溃测试〕重启后"); !ok {
		t.Fatal("no write after the restart")
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d stored, events 1..%d", len(acked), created, maxSeq)
}

// startBinary runs the built binary as its own process and waits until it is
// ready.
func startBinary(t *testing.T, bin, dbURL, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--database-url", dbURL, "--addr", addr)
	cmd.Env = append(os.Environ(), "SITREP_LOG_FORMAT=text")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the server did not become ready:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func createShelter(addr, token, name string) (string, bool) {
	body, _ := json.Marshal(map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{87.42, 43.52}},
		"properties": map[string]any{"name": name, "class": "emergency", "capacity": 100, "status": "open", "occupancy": 0, "synthetic": true}})
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/shelters", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var f struct{ ID string }
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&f) != nil {
		return "", false
	}
	return f.ID, true
}

func get(t *testing.T, addr, token, path string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
