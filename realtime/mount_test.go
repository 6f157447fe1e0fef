package realtime_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// The server mounts /ws behind authentication and serves the boundaries
// layer, which every server registers.
func TestServerMountsTheStream(t *testing.T) {
	e := apitest.Start(t)
	url := "ws" + strings.TrimPrefix(e.URL, "http") + "/ws"
	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without credentials: %v %v", err, resp)
	}
	h := http.Header{"Authorization": {"Bearer " + e.Tokens[auth.Viewer]}}
	conn, _, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &wsClient{t: t, conn: conn}
	c.subscribe([]string{"boundaries"}, []float64{87, 43, 88, 44}, nil)
	snap := c.expect("snapshot")
	if fc, ok := snap.Layers["boundaries"]; !ok || fc.Type != "FeatureCollection" {
		t.Fatalf("snapshot layers %v", snap.Layers)
	}
	e.Server.Shutdown()
	_, err = c.read()
	var ce *websocket.CloseError
	if !errorsAs(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("after shutdown: %v", err)
	}
}
