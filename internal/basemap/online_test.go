package basemap_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/basemap"
	"sitrep/internal/server"
)

func TestOnlineSettingsAreChecked(t *testing.T) {
	for _, c := range []struct {
		s    basemap.Settings
		want string // part of the refusal; "" for accepted
	}{
		{basemap.Settings{}, ""},
		{basemap.Settings{Online: "tianditu-vec", TiandituKey: "k"}, ""},
		{basemap.Settings{Online: "tianditu-img"}, "密钥"},
		{basemap.Settings{Online: "xyz", URL: "http://tiles.intranet/{z}/{x}/{y}.png", CRS: "cgcs2000"}, ""},
		{basemap.Settings{Online: "wmts", URL: "http://gis.intranet/wmts?TileMatrix={TileMatrix}&TileRow={TileRow}&TileCol={TileCol}"}, ""},
		{basemap.Settings{Online: "xyz", URL: "http://tiles.intranet/{z}/{x}/{y}.png", CRS: "gcj02"}, "GCJ-02"},
		{basemap.Settings{Online: "xyz", URL: "https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}"}, "GCJ-02"},
		{basemap.Settings{Online: "xyz", URL: "http://tiles.intranet/tile.png"}, "{z}"},
		{basemap.Settings{Online: "xyz", URL: "ftp://tiles/{z}/{x}/{y}"}, "http"},
		{basemap.Settings{Online: "google"}, "tianditu-vec"},
	} {
		err := c.s.Check()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v refused: %v", c.s, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: %v, want a refusal about %s", c.s, err, c.want)
		}
	}
	if err := (&basemap.Settings{CRS: "bd09"}).Check(); !errors.Is(err, basemap.ErrGCJ02) {
		t.Errorf("bd09: %v", err)
	}
}

// An intranet XYZ service is proxied through Sitrep; one that cannot be
// reached is a 502 saying so in Chinese, which the page shows.
func TestOnlineBasemapProxy(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/10/5/6.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte("\x89PNG tile 10/5/6"))
		case "/10/5/7.png":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>key invalid</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer upstream.Close()
	e := apitest.StartWith(t, func(c *server.Config) {
		c.Basemap = basemap.Settings{Online: basemap.OnlineXYZ, URL: upstream.URL + "/{z}/{x}/{y}.png", Attribution: "© 县自然资源局"}
	})
	var st struct {
		Online *basemap.Online `json:"online"`
	}
	e.Do("GET", "/api/v1/basemap", auth.Viewer, nil).JSON(t, &st)
	if st.Online == nil || st.Online.Kind != "xyz" || st.Online.Attribution != "© 县自然资源局" ||
		len(st.Online.Tiles) != 1 || strings.Contains(st.Online.Tiles[0], upstream.URL) {
		t.Fatalf("online: %+v", st.Online)
	}
	r := e.Do("GET", "/tiles/online/base/10/5/6", auth.Viewer, nil)
	if r.StatusCode != http.StatusOK || string(r.Body) != "\x89PNG tile 10/5/6" || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("proxied tile: %d %q", r.StatusCode, r.Body)
	}
	if r := e.Do("GET", "/tiles/online/base/10/5/8", auth.Viewer, nil); r.StatusCode != http.StatusNoContent {
		t.Errorf("missing upstream tile: %d", r.StatusCode)
	}
	p := apitest.ExpectProblem(t, e.Do("GET", "/tiles/online/base/10/5/7", auth.Viewer, nil), http.StatusBadGateway)
	if !strings.Contains(p["detail"].(string), "无法访问") {
		t.Errorf("not an image: %v", p["detail"])
	}
	apitest.ExpectProblem(t, e.Do("GET", "/tiles/online/labels/10/5/6", auth.Viewer, nil), http.StatusNotFound)
	apitest.ExpectProblem(t, e.Do("GET", "/tiles/online/base/10/5000/6", auth.Viewer, nil), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", "/tiles/online/base/10/5/6", "", nil), http.StatusUnauthorized)

	// A service that is down: a port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	d := apitest.StartWith(t, func(c *server.Config) {
		c.Basemap = basemap.Settings{Online: basemap.OnlineXYZ, URL: "http://" + dead + "/{z}/{x}/{y}.png"}
	})
	p = apitest.ExpectProblem(t, d.Do("GET", "/tiles/online/base/10/5/6", auth.Viewer, nil), http.StatusBadGateway)
	if p["detail"] != "内网底图服务无法访问：无法连接" {
		t.Errorf("down: %v", p["detail"])
	}
}
