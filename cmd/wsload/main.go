// Command wsload measures Sitrep's live stream against a bare gorilla
// websocket broadcast of the same messages, side by side in one run:
// commit-to-client latency (p50, p99) for N clients at R events/s, and the
// server's memory per connection.
//
//	go run ./cmd/wsload -database-url postgres://…@127.0.0.1:5432/postgres [-clients 1000] [-rate 100] [-duration 10s]
//
// It creates a scratch database on that (loopback) cluster, starts the
// servers in a child process on 127.0.0.1 (so the server's memory is
// measured apart from the clients'), runs the bare phase then the Sitrep
// phase for -duration each, prints the figures, and drops the database. It
// sends traffic to loopback only and stops by itself.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/loadenv"
)

func main() {
	serve := flag.Bool("serve", false, "internal: run the servers (child process)")
	dbURL := flag.String("database-url", loadenv.FirstEnv("DATABASE_URL", "SITREP_TEST_DATABASE_URL"), "a loopback PostgreSQL/PostGIS cluster (a scratch database is made on it)")
	clients := flag.Int("clients", 1000, "websocket clients per phase")
	rate := flag.Int("rate", 100, "events per second")
	duration := flag.Duration("duration", 10*time.Second, "length of each phase (the first second is warm-up)")
	flag.Parse()
	raiseFileLimit()
	var err error
	if *serve {
		err = runServers(*dbURL)
	} else {
		err = run(*dbURL, *clients, *rate, *duration)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
}

// raiseFileLimit lifts the soft limit on open files to the hard one: each
// client and each server side of it is a file.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func run(adminURL string, nClients, rate int, duration time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*duration+5*time.Minute)
	defer cancel()

	// A scratch database, dropped at the end.
	dbURL, _, drop, err := loadenv.Scratch(ctx, adminURL, "wsload")
	if err != nil {
		return err
	}
	defer drop()
	pool, err := db.Open(ctx, dbURL, db.Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	_, token, err := auth.NewStore(pool).CreateUser(ctx, journal.Actor{Name: "wsload"}, auth.NewUser{Name: "wsload", Role: auth.Viewer})
	if err != nil {
		return err
	}

	// The servers, in a child process.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.CommandContext(ctx, self, "-serve", "-database-url", dbURL)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	if err := child.Start(); err != nil {
		return err
	}
	defer func() { _ = child.Process.Signal(os.Interrupt); _ = child.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the server process did not start: %w", err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
	fmt.Printf("wsload: %d clients, %d events/s, %s per phase, servers at %s (pid %d)\n", nClients, rate, duration, addr, child.Process.Pid)

	bare, err := phase(ctx, "bare gorilla broadcast", addr, "/bare", nil, child.Process.Pid, nClients, rate, duration,
		func(ctx context.Context, pub *websocket.Conn, payload []byte) error {
			return pub.WriteMessage(websocket.TextMessage, payload)
		})
	if err != nil {
		return err
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	sitrep, err := phase(ctx, "Sitrep stream", addr, "/ws", hdr, child.Process.Pid, nClients, rate, duration,
		func(ctx context.Context, _ *websocket.Conn, payload []byte) error {
			_, err := journal.Write(ctx, pool, journal.Actor{Name: "wsload"}, func(tx pgx.Tx) ([]journal.Change, error) {
				return []journal.Change{{Entity: "load", EntityID: "1", Action: "update", Topic: "load", Event: json.RawMessage(payload)}}, nil
			})
			return err
		})
	if err != nil {
		return err
	}
	fmt.Printf("\n%-24s %10s %10s %10s %12s %14s %14s\n", "", "p50", "p99", "max", "delivered", "heap/conn", "RSS/conn")
	for _, r := range []*result{bare, sitrep} {
		fmt.Printf("%-24s %10s %10s %10s %12d %12.1fKiB %12.1fKiB\n", r.name, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond),
			r.max.Round(time.Microsecond), r.delivered, r.heapPerConn/1024, r.rssPerConn/1024)
	}
	fmt.Printf("\nratio Sitrep/bare: p50 %.2fx, p99 %.2fx; memory per connection %.2fx (heap)\n",
		float64(sitrep.p50)/float64(bare.p50), float64(sitrep.p99)/float64(bare.p99), sitrep.heapPerConn/bare.heapPerConn)
	if sitrep.delivered != sitrep.expected || bare.delivered != bare.expected {
		fmt.Printf("WARNING: deliveries short: bare %d/%d, Sitrep %d/%d\n", bare.delivered, bare.expected, sitrep.delivered, sitrep.expected)
	}
	return nil
}

type result struct {
	name                    string
	p50, p99, max           time.Duration
	delivered, expected     int
	heapPerConn, rssPerConn float64
}

// phase connects the clients, measures the server's memory before and
// after, publishes rate messages a second for duration and collects each
// client's latencies (receive time minus the time in the message).
func phase(ctx context.Context, name, addr, path string, hdr http.Header, pid, n, rate int, duration time.Duration,
	publish func(context.Context, *websocket.Conn, []byte) error) (*result, error) {
	fmt.Printf("%s: connecting %d clients…\n", name, n)
	heap0, rss0, err := serverMem(addr, pid)
	if err != nil {
		return nil, err
	}
	dialer := websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range n {
		c, _, err := dialer.DialContext(ctx, "ws://"+addr+path, hdr)
		if err != nil {
			return nil, fmt.Errorf("%s: dial: %w", name, err)
		}
		conns = append(conns, c)
		if path == "/ws" {
			if err := c.WriteJSON(map[string]any{"type": "subscribe", "layers": []string{"load"}}); err != nil {
				return nil, err
			}
			if _, _, err := c.ReadMessage(); err != nil { // the snapshot
				return nil, err
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	heap1, rss1, err := serverMem(addr, pid)
	if err != nil {
		return nil, err
	}
	var pub *websocket.Conn
	if path == "/bare" {
		if pub, _, err = dialer.DialContext(ctx, "ws://"+addr+"/bare?publish=1", nil); err != nil {
			return nil, err
		}
		defer pub.Close()
	}

	total := int(duration.Seconds() * float64(rate))
	warm := rate // the first second is warm-up
	lat := make([][]time.Duration, n)
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i] = make([]time.Duration, 0, total)
			seen := 0
			for seen < total {
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				now := time.Now()
				var m struct {
					Data struct {
						T int64 `json:"t"`
						I int   `json:"i"`
					} `json:"data"`
				}
				if json.Unmarshal(data, &m) != nil || m.Data.T == 0 {
					continue
				}
				seen++
				if m.Data.I >= warm {
					lat[i] = append(lat[i], now.Sub(time.Unix(0, m.Data.T)))
				}
			}
		}()
	}
	fmt.Printf("%s: publishing %d events at %d/s…\n", name, total, rate)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for i := range total {
		<-tick.C
		payload := fmt.Appendf(nil, `{"type":"event","data":{"t":%d,"i":%d}}`, time.Now().UnixNano(), i)
		if path == "/ws" {
			payload = fmt.Appendf(nil, `{"t":%d,"i":%d}`, time.Now().UnixNano(), i)
		}
		if err := publish(ctx, pub, payload); err != nil {
			tick.Stop()
			return nil, fmt.Errorf("%s: publish: %w", name, err)
		}
	}
	tick.Stop()
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := &result{name: name, delivered: len(all), expected: n * (total - warm),
		heapPerConn: float64(heap1-heap0) / float64(n), rssPerConn: float64(rss1-rss0) / float64(n)}
	if len(all) > 0 {
		r.p50, r.p99, r.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	}
	return r, nil
}

// serverMem asks the server process for its live heap after a GC, and
// reads its resident set size.
func serverMem(addr string, pid int) (heap, rss int64, err error) {
	resp, err := http.Get("http://" + addr + "/mem")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&heap); err != nil {
		return 0, 0, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return heap, 0, nil
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return heap, resident * int64(os.Getpagesize()), nil
}
