package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/prometheus/client_golang/prometheus"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/realtime"
)

// env is a database with a test layer ("things", points in rt_things) and a
// viewer's token; servers started on it share the database, as several
// Sitrep processes would.
type env struct {
	t     *testing.T
	pool  *pgxpool.Pool
	token string
}

const thingsSnapshot = `SELECT json_build_object('type', 'Feature', 'id', id,
		'geometry', ST_AsGeoJSON(geom, 7)::json, 'properties', json_build_object('pad', pad))
	FROM rt_things
	WHERE $1::float8 IS NULL OR geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
	ORDER BY id`

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE rt_things (id text PRIMARY KEY, pad text NOT NULL DEFAULT '',
		geom geometry(Point, 4326) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	_, token, err := auth.NewStore(pool).CreateUser(ctx, journal.Actor{Name: "test"}, auth.NewUser{Name: "wall", Role: auth.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, pool: pool, token: token}
}

type testServer struct {
	URL string
	Hub *realtime.Hub
	Reg *prometheus.Registry
	hs  *httptest.Server
}

func (e *env) start(cfg realtime.Config) *testServer {
	e.t.Helper()
	cfg.Pool = e.pool
	reg := prometheus.NewRegistry()
	cfg.Registry = reg
	store := auth.NewStore(e.pool)
	if cfg.Recheck == nil {
		cfg.Recheck = store.StillAllowed(auth.ReadMap) // as server.New wires it
	}
	hub := realtime.New(cfg)
	hub.Register(realtime.QuerySnapshotter("things", thingsSnapshot), realtime.Boundaries())
	r := chi.NewRouter()
	r.With(store.Authenticate, auth.Require(auth.ReadMap)).Method(http.MethodGet, "/ws", hub)
	hs := httptest.NewServer(r)
	s := &testServer{URL: hs.URL, Hub: hub, Reg: reg, hs: hs}
	e.t.Cleanup(s.stop)
	return s
}

// stop shuts the server down as sitrep serve does: websockets first.
func (s *testServer) stop() {
	s.Hub.Shutdown()
	s.hs.Close()
}

// metric returns a counter's or gauge's value.
func (s *testServer) metric(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := s.Reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		var sum float64
		for _, m := range mf.GetMetric() {
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
		return sum
	}
	return 0
}

func feature(id string, lon, lat float64, pad string) json.RawMessage {
	f := geojson.NewFeature(orb.Point{lon, lat})
	f.ID = id
	f.Properties["pad"] = pad
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return b
}

type thing struct {
	ID       string
	Lon, Lat float64
	Pad      string
}

// put creates or moves things in one write and returns the last seq.
func (e *env) put(things ...thing) int64 {
	e.t.Helper()
	seqs, err := journal.Write(context.Background(), e.pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
		var cs []journal.Change
		for _, th := range things {
			tag, err := tx.Exec(context.Background(), `INSERT INTO rt_things (id, pad, geom) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326))
				ON CONFLICT (id) DO UPDATE SET pad = EXCLUDED.pad, geom = EXCLUDED.geom`, th.ID, th.Pad, th.Lon, th.Lat)
			if err != nil {
				return nil, err
			}
			_ = tag
			cs = append(cs, journal.Change{Entity: "rt_things", EntityID: th.ID, Action: "update", Topic: "things",
				Event: feature(th.ID, th.Lon, th.Lat, th.Pad)})
		}
		return cs, nil
	})
	if err != nil {
		e.t.Error(err)
		return 0
	}
	return seqs[len(seqs)-1]
}

func (e *env) del(id string) int64 {
	e.t.Helper()
	seqs, err := journal.Write(context.Background(), e.pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
		if _, err := tx.Exec(context.Background(), `DELETE FROM rt_things WHERE id = $1`, id); err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "rt_things", EntityID: id, Action: "delete", Topic: "things",
			Event: map[string]string{"id": id}}}, nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return seqs[0]
}

// msg is any server message.
type msg struct {
	Type   string          `json:"type"`
	Seq    int64           `json:"seq"`
	Topic  string          `json:"topic"`
	ID     string          `json:"id"`
	Action string          `json:"action"`
	Data   json.RawMessage `json:"data"`
	From   int64           `json:"from"`
	Field  string          `json:"field"`
	Detail string          `json:"detail"`
	Layers map[string]struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	} `json:"layers"`
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

type dialOpt struct {
	token   string
	cookie  string // a session cookie instead of the token
	origin  string
	readBuf int // small values make a client that never reads fill up fast
}

func (s *testServer) dialRaw(t *testing.T, o dialOpt) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if o.readBuf > 0 {
		d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				_ = c.(*net.TCPConn).SetReadBuffer(o.readBuf)
			}
			return c, err
		}
	}
	h := http.Header{}
	if o.cookie != "" {
		h.Set("Cookie", (&http.Cookie{Name: auth.SessionCookie, Value: o.cookie}).String())
	} else if o.token != "" {
		h.Set("Authorization", "Bearer "+o.token)
	}
	if o.origin != "" {
		h.Set("Origin", o.origin)
	}
	return d.Dial("ws"+strings.TrimPrefix(s.URL, "http")+"/ws", h)
}

func (e *env) dial(s *testServer, o ...dialOpt) *wsClient {
	e.t.Helper()
	var opt dialOpt
	if len(o) > 0 {
		opt = o[0]
	}
	if opt.token == "" && opt.cookie == "" {
		opt.token = e.token
	}
	conn, resp, err := s.dialRaw(e.t, opt)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		e.t.Fatalf("dial: %v (status %d)", err, status)
	}
	e.t.Cleanup(func() { _ = conn.Close() })
	return &wsClient{t: e.t, conn: conn}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsClient) subscribe(layers []string, bbox []float64, since *int64) {
	c.t.Helper()
	m := map[string]any{"type": "subscribe", "layers": layers}
	if bbox != nil {
		m["bbox"] = bbox
	}
	if since != nil {
		m["since"] = *since
	}
	c.send(m)
}

// next reads one message; it fails the test after 20 s of silence.
func (c *wsClient) next() msg {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *wsClient) read() (msg, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	var m msg
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("decode %s: %w", data, err)
	}
	return m, nil
}

// expect reads one message of the type.
func (c *wsClient) expect(typ string) msg {
	c.t.Helper()
	m := c.next()
	if m.Type != typ {
		c.t.Fatalf("got %s (%s), want %s", m.Type, m.Detail, typ)
	}
	return m
}

// eventsThrough reads events until seq upTo and returns them.
func (c *wsClient) eventsThrough(upTo int64) []msg {
	c.t.Helper()
	var out []msg
	for {
		m := c.next()
		if m.Type != "event" {
			c.t.Fatalf("got %s (%s) while reading events", m.Type, m.Detail)
		}
		out = append(out, m)
		if m.Seq >= upTo {
			return out
		}
	}
}

// contiguous fails unless the events are exactly from..to.
func contiguous(t *testing.T, who string, evs []msg, from, to int64) {
	t.Helper()
	if int64(len(evs)) != to-from+1 {
		t.Fatalf("%s: %d events, want %d (%d..%d)", who, len(evs), to-from+1, from, to)
	}
	for i, m := range evs {
		if m.Seq != from+int64(i) {
			t.Fatalf("%s: event %d has seq %d, want %d", who, i, m.Seq, from+int64(i))
		}
	}
}

func ptr[T any](v T) *T { return &v }

func lastSeq(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), `SELECT last_seq FROM event_counter`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// labelled is the value of a counter with the label name=value.
func (s *testServer) labelled(t *testing.T, metric, name, value string) float64 {
	t.Helper()
	mfs, err := s.Reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != metric {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == name && l.GetValue() == value && m.Counter != nil {
					return m.Counter.GetValue()
				}
			}
		}
	}
	return 0
}
