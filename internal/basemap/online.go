package basemap

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/tiles"
)

// Online basemaps are server-side settings (sitrep serve --basemap…), the
// same for every screen. Sitrep fetches their tiles itself and serves them at
// /tiles/online/{base|labels}/{z}/{x}/{y}: the wall's browsers need no
// other host, and a Tianditu key never reaches a browser.
//
// Only services in WGS 84 or CGCS2000 (which differs from WGS 84 by
// centimetres) on the Web Mercator grid line up with Sitrep's lon/lat. GCJ-02
// services (AMap/高德, Tencent, and BD-09 Baidu) are shifted by a secret
// offset of hundreds of metres: a team drawn on such a map stands beside its
// road. Sitrep refuses them at start-up rather than converting: converting
// raster tiles means warping every tile by a non-linear offset, and the
// result would still not match the vector data above it exactly.

// Online kinds.
const (
	OnlineNone        = ""
	OnlineTiandituVec = "tianditu-vec" // 天地图 vector, with its annotation layer
	OnlineTiandituImg = "tianditu-img" // 天地图 imagery, with its annotation layer
	OnlineXYZ         = "xyz"          // an intranet XYZ tile service
	OnlineWMTS        = "wmts"         // an intranet WMTS on a Web Mercator tile matrix set
)

// Settings are the basemap settings of a server.
type Settings struct {
	// PMTiles, when set, serves /tiles/basemap from this archive instead of
	// the imported tables.
	PMTiles string
	// Online is one of the kinds above; OnlineNone draws the local basemap
	// only.
	Online string
	// URL is the XYZ template ({z} {x} {y}) or the WMTS GetTile template
	// ({TileMatrix} {TileRow} {TileCol}, or {z} {y} {x}).
	URL string
	// TiandituKey is the Tianditu key (tk).
	TiandituKey string
	// Attribution shown with an XYZ or WMTS service.
	Attribution string
	// CRS the online service is in: wgs84 (default) or cgcs2000; gcj02 and
	// bd09 are refused.
	CRS string
	// Timeout bounds one upstream tile request (default 8 s).
	Timeout time.Duration
}

// gcjHosts are services known to serve GCJ-02 (or BD-09) tiles.
var gcjHosts = []string{"autonavi.com", "amap.com", "gaode.com", "map.qq.com", "gtimg.com", "map.baidu.com", "bdimg.com", "baidu.com"}

// ErrGCJ02 is the refusal of a GCJ-02 service.
var ErrGCJ02 = errors.New("拒绝使用 GCJ-02（火星坐标）或 BD-09 底图：其坐标相对 WGS 84 偏移数百米，队伍和危险源会画在道路旁边；" +
	"请改用天地图（CGCS2000，与 WGS 84 相差不到 1 米）或 WGS 84 的内网瓦片服务")

// Check refuses settings that cannot work, before the server starts.
func (s *Settings) Check() error {
	switch strings.ToLower(s.CRS) {
	case "", "wgs84", "wgs-84", "epsg:4326", "cgcs2000", "epsg:4490":
	case "gcj02", "gcj-02", "bd09", "bd-09":
		return ErrGCJ02
	default:
		return fmt.Errorf("--basemap-crs 须为 wgs84 或 cgcs2000，而不是 %q", s.CRS)
	}
	switch s.Online {
	case OnlineNone:
	case OnlineTiandituVec, OnlineTiandituImg:
		if strings.TrimSpace(s.TiandituKey) == "" {
			return errors.New("天地图底图需要密钥：设置 --tianditu-key 或 SITREP_TIANDITU_KEY")
		}
	case OnlineXYZ, OnlineWMTS:
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("--basemap-url 须为 http(s) 瓦片地址模板")
		}
		for _, h := range gcjHosts {
			if host := strings.ToLower(u.Hostname()); host == h || strings.HasSuffix(host, "."+h) {
				return ErrGCJ02
			}
		}
		t := strings.ToLower(s.URL)
		hasXYZ := strings.Contains(t, "{z}") && strings.Contains(t, "{x}") && strings.Contains(t, "{y}")
		hasWMTS := strings.Contains(t, "{tilematrix}") && strings.Contains(t, "{tilerow}") && strings.Contains(t, "{tilecol}")
		if !hasXYZ && !hasWMTS {
			return errors.New("--basemap-url 须含 {z}、{x}、{y}（或 WMTS 的 {TileMatrix}、{TileRow}、{TileCol}）")
		}
	default:
		return fmt.Errorf("--basemap 须为 tianditu-vec、tianditu-img、xyz、wmts 之一，而不是 %q", s.Online)
	}
	return nil
}

// Online describes the online basemap for the page.
type Online struct {
	Kind string `json:"kind"`
	// Name is what the page calls it.
	Name string `json:"name"`
	// Tiles are Sitrep's own URLs of the base layer and, for Tianditu, its
	// annotation (names) layer, drawn in that order.
	Tiles       []string `json:"tiles"`
	Attribution string   `json:"attribution"`
	TileSize    int      `json:"tile_size"`
}

// online is the page's description of the online basemap, nil when none.
func (s *Settings) online() *Online {
	o := &Online{Kind: s.Online, TileSize: 256, Tiles: []string{"/tiles/online/base/{z}/{x}/{y}"}}
	switch s.Online {
	case OnlineNone:
		return nil
	case OnlineTiandituVec, OnlineTiandituImg:
		o.Name = map[string]string{OnlineTiandituVec: "天地图矢量", OnlineTiandituImg: "天地图影像"}[s.Online]
		o.Attribution = "© 天地图 · 国家地理信息公共服务平台"
		o.Tiles = append(o.Tiles, "/tiles/online/labels/{z}/{x}/{y}")
	default:
		o.Name = "内网底图服务"
		o.Attribution = s.Attribution
	}
	return o
}

// upstream is the upstream URL of tile z/x/y of layer ("base" or
// "labels"), or "" when the setting has no such layer.
func (s *Settings) upstream(layer string, z, x, y int) string {
	zs, xs, ys := strconv.Itoa(z), strconv.Itoa(x), strconv.Itoa(y)
	switch s.Online {
	case OnlineTiandituVec, OnlineTiandituImg:
		name := map[string]map[string]string{
			OnlineTiandituVec: {"base": "vec", "labels": "cva"},
			OnlineTiandituImg: {"base": "img", "labels": "cia"},
		}[s.Online][layer]
		if name == "" {
			return ""
		}
		// Tianditu spreads load over hosts t0–t7.
		host := "t" + strconv.Itoa((x+y)%8) + ".tianditu.gov.cn"
		return "https://" + host + "/" + name + "_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=" + name +
			"&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX=" + zs + "&TILEROW=" + ys + "&TILECOL=" + xs +
			"&tk=" + url.QueryEscape(s.TiandituKey)
	case OnlineXYZ, OnlineWMTS:
		if layer != "base" {
			return ""
		}
		return strings.NewReplacer("{z}", zs, "{x}", xs, "{y}", ys,
			"{TileMatrix}", zs, "{TileRow}", ys, "{TileCol}", xs,
			"{tilematrix}", zs, "{tilerow}", ys, "{tilecol}", xs).Replace(s.URL)
	}
	return ""
}

// maxOnlineTileBytes bounds one proxied tile.
const maxOnlineTileBytes = 4 << 20

// onlineTile proxies one online tile. An unreachable or failing service is
// a 502 problem saying so in Chinese; the page shows it on the map.
func (s *Service) onlineTile(w http.ResponseWriter, r *http.Request) error {
	z, x, y, err := tiles.Coords(r)
	if err != nil {
		return err
	}
	target := s.settings.upstream(chi.URLParam(r, "layer"), z, x, y)
	if target == "" {
		return api.NotFound("在线底图图层 " + chi.URLParam(r, "layer"))
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "Sitrep (county emergency command centre)")
	resp, err := s.client.Do(req)
	if err != nil {
		return unreachable(s.settings.online().Name, "无法连接")
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusNoContent:
		w.WriteHeader(http.StatusNoContent) // no tile there
		return nil
	case resp.StatusCode != http.StatusOK:
		return unreachable(s.settings.online().Name, "返回 HTTP "+strconv.Itoa(resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOnlineTileBytes+1))
	if err != nil {
		return unreachable(s.settings.online().Name, "读取中断")
	}
	if len(body) > maxOnlineTileBytes {
		return unreachable(s.settings.online().Name, "瓦片过大")
	}
	ct := resp.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "image/") {
		// Tianditu answers a bad key with an XML or HTML page and 200.
		return unreachable(s.settings.online().Name, "返回的不是图片（密钥无效或服务出错）")
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, err = w.Write(body)
	return err
}

func unreachable(name, why string) error {
	return api.NewProblem(http.StatusBadGateway, "basemap-unreachable", "在线底图无法访问", name+"无法访问："+why)
}
