package channels_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/channels"
)

// receiver is a channel's endpoint that honours Idempotency-Key: it acts
// once per key, however often the key comes. Each path has a behaviour the
// test switches: "ok", "fail" (503) or "hang" (answers after the client
// gave up).
type receiver struct {
	mu     sync.Mutex
	mode   map[string]string
	seen   map[string]int // requests per key
	acted  map[string][]byte
	auth   map[string]string
	closed chan struct{}
}

func newReceiver(t *testing.T) (*receiver, *httptest.Server) {
	rc := &receiver{mode: map[string]string{}, seen: map[string]int{}, acted: map[string][]byte{}, auth: map[string]string{}, closed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Header.Get("Idempotency-Key")
		rc.mu.Lock()
		mode := rc.mode[r.URL.Path]
		rc.seen[key]++
		rc.mu.Unlock()
		switch mode {
		case "fail":
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		case "hang":
			select {
			case <-r.Context().Done():
			case <-rc.closed:
			}
			return
		}
		rc.mu.Lock()
		if _, done := rc.acted[key]; !done && key != "" {
			rc.acted[key] = body
			rc.auth[key] = r.Header.Get("Authorization")
		}
		rc.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(func() { close(rc.closed); srv.Close() })
	return rc, srv
}

func (rc *receiver) set(path, mode string) { rc.mu.Lock(); rc.mode[path] = mode; rc.mu.Unlock() }

func warningBody(level string) map[string]any {
	return map[string]any{"level": level, "category": "hazardous_chemicals", "event": "液氨储罐泄漏",
		"area": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
			{87.40, 43.50}, {87.45, 43.50}, {87.45, 43.53}, {87.40, 43.53}, {87.40, 43.50}}}},
		"area_desc": "板房沟镇东沟村及周边3公里", "onset": time.Now().UTC().Format(time.RFC3339),
		"items": []string{"关闭门窗", "听从疏散指挥", "不要靠近泄漏现场", "保持电话畅通"}}
}

type delivery struct {
	Channel    string  `json:"channel"`
	State      string  `json:"state"`
	Attempts   int     `json:"attempts"`
	LastStatus *int    `json:"last_status"`
	LastError  *string `json:"last_error"`
}

func deliveriesOf(t *testing.T, e *apitest.Env, id string) map[string]delivery {
	t.Helper()
	var f struct {
		Properties struct {
			Deliveries []delivery `json:"deliveries"`
		} `json:"properties"`
	}
	e.Do("GET", "/api/v1/warnings/"+id, auth.Viewer, nil).JSON(t, &f)
	out := map[string]delivery{}
	for _, d := range f.Properties.Deliveries {
		out[d.Channel] = d
	}
	return out
}

// Plan 3.2.2's channels: a warning queues a delivery per channel with the
// warning; a channel that fails or hangs is retried with backoff by the
// worker's clock while the others are delivered; the receiver gets each
// message once however often it is sent (Idempotency-Key), including after
// a server dies between sending and recording; credentials never come
// back out of the API or into the audit trail.
func TestDeliveries(t *testing.T) {
	e := apitest.Start(t)
	rc, srv := newReceiver(t)
	secret := "s3cret-token-0123456789"
	sms := map[string]any{"name": "县短信平台", "kind": "sms", "format": "json", "url": srv.URL + "/sms", "max_chars": 70,
		"auth_type": "bearer", "secret": secret}
	for _, c := range []map[string]any{sms,
		{"name": "县应急广播", "kind": "broadcast", "format": "cap_xml", "url": srv.URL + "/broadcast"},
		{"name": "县融媒体中心", "kind": "newsroom", "format": "cap_xml", "url": srv.URL + "/newsroom", "timeout_s": 1}} {
		if r := e.Do("POST", "/api/v1/warning-channels", auth.Admin, c); r.StatusCode != 201 {
			t.Fatalf("channel: %d %s", r.StatusCode, r.Body)
		}
	}
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warning-channels", auth.DutyOfficer, sms), 403)
	bad := map[string]any{"name": "坏渠道", "kind": "sms", "format": "json", "url": "ftp://x", "auth_type": "bearer"}
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warning-channels", auth.Admin, bad), 422)
	if got := strings.Join(apitest.FieldsOf(p), " "); got != "/url /max_chars /secret" {
		t.Fatalf("fields %s", got)
	}
	list := e.Do("GET", "/api/v1/warning-channels", auth.Admin, nil)
	if strings.Contains(string(list.Body), secret) || !strings.Contains(string(list.Body), `"has_secret":true`) {
		t.Fatalf("channel list shows the secret or not that it is set:\n%s", list.Body)
	}
	rc.set("/broadcast", "fail")
	rc.set("/newsroom", "hang")

	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("yellow"))
	if r.StatusCode != 201 {
		t.Fatalf("issue: %d %s", r.StatusCode, r.Body)
	}
	var w struct{ ID string }
	r.JSON(t, &w)
	etag := r.Header.Get("ETag")
	if n := e.Count(`SELECT count(*) FROM warning_deliveries WHERE state = 'pending'`); n != 3 {
		t.Fatalf("%d deliveries queued with the warning, want 3", n)
	}

	now := time.Now()
	wk := channels.NewWorker(e.Pool, slog.New(slog.DiscardHandler))
	wk.Now = func() time.Time { return now }
	wk.Rand = func() float64 { return 0.5 }
	if n, err := wk.Drain(t.Context()); err != nil || n != 3 {
		t.Fatalf("first round: %d attempts, %v", n, err)
	}
	ds := deliveriesOf(t, e, w.ID)
	if ds["县短信平台"].State != "delivered" || ds["县应急广播"].State != "retrying" || ds["县融媒体中心"].State != "retrying" {
		t.Fatalf("after the first round: %+v", ds)
	}
	if s := ds["县应急广播"].LastStatus; s == nil || *s != 503 {
		t.Fatalf("the failing channel's status: %+v", ds["县应急广播"])
	}
	if n, _ := wk.Drain(t.Context()); n != 0 {
		t.Fatalf("%d attempts before the backoff ran out", n)
	}
	// The backoff: 10 s · 2^0, half of it jitter (Rand 0.5 → 7.5 s).
	now = now.Add(7 * time.Second)
	if n, _ := wk.Drain(t.Context()); n != 0 {
		t.Fatalf("%d attempts 7 s after the failure", n)
	}
	now = now.Add(time.Second)
	if n, _ := wk.Drain(t.Context()); n != 2 {
		t.Fatalf("%d attempts 8 s after the failure, want the 2 retries", n)
	}
	if d := deliveriesOf(t, e, w.ID)["县应急广播"]; d.Attempts != 2 || d.State != "retrying" {
		t.Fatalf("second failure: %+v", d)
	}

	// The receivers come back; the next round after the backoff delivers.
	rc.set("/broadcast", "ok")
	rc.set("/newsroom", "ok")
	now = now.Add(channels.MaxDelay)
	if n, _ := wk.Drain(t.Context()); n != 2 {
		t.Fatalf("%d attempts after the outage", n)
	}
	for name, d := range deliveriesOf(t, e, w.ID) {
		if d.State != "delivered" {
			t.Fatalf("%s: %+v", name, d)
		}
	}

	// The SMS: JSON, within the length, with the bearer token.
	var smsKey string
	for k, b := range rc.acted {
		if strings.HasSuffix(k, "-1") {
			smsKey = k
			var m struct {
				Text    string `json:"text"`
				MsgType string `json:"msg_type"`
			}
			if err := json.Unmarshal(b, &m); err != nil || m.MsgType != "Alert" || utf8.RuneCountInString(m.Text) > 70 || !strings.Contains(m.Text, "黄色预警") {
				t.Fatalf("SMS body %s (%v)", b, err)
			}
		}
	}
	if rc.auth[smsKey] != "Bearer "+secret {
		t.Fatalf("SMS authorization %q", rc.auth[smsKey])
	}

	// Lifting queues the Cancel. A server dies after sending it and before
	// recording; after the lease, another sends it again with the same key,
	// and the receiver acts once.
	r = e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.DutyOfficer, map[string]any{}, "If-Match", etag)
	if r.StatusCode != 200 {
		t.Fatalf("lift: %d %s", r.StatusCode, r.Body)
	}
	if !wk.CrashAfterSending(t.Context()) {
		t.Fatal("nothing to send after the lift")
	}
	if n, _ := wk.Drain(t.Context()); n != 2 {
		t.Fatalf("%d attempts while one delivery is leased, want the 2 others", n)
	}
	now = now.Add(channels.Lease + time.Second)
	if n, _ := wk.Drain(t.Context()); n != 1 {
		t.Fatalf("%d attempts after the lease ran out, want 1", n)
	}
	resent := 0
	for k, n := range rc.seen {
		if n > 1 && rc.acted[k] != nil {
			resent++
		}
	}
	if resent == 0 {
		t.Fatal("no key was sent twice: the crash was not simulated")
	}
	if len(rc.acted) != 6 {
		t.Fatalf("the receivers acted on %d messages, want 6 (3 channels × Alert and Cancel)", len(rc.acted))
	}
	if n := e.Count(`SELECT count(*) FROM warning_deliveries WHERE state <> 'delivered'`); n != 0 {
		t.Fatalf("%d deliveries left undelivered", n)
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'warning_deliveries' AND after->>'state' = 'retrying'`); n != 4 {
		t.Fatalf("%d failed attempts in the audit trail, want 4", n)
	}
	// Each outcome went out on the live stream with the warning, for the console.
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'warnings' AND action = 'deliver'`); n != 10 {
		t.Fatalf("%d delivery events on the live stream, want 10 (one per recorded attempt)", n)
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE coalesce(before::text, '') || coalesce(after::text, '') LIKE '%' || $1 || '%'`, secret); n != 0 {
		t.Fatalf("the secret is in %d audit rows", n)
	}
}
