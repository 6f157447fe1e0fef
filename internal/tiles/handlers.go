package tiles

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/auth"
)

// MVT is the media type of a tile.
const MVT = "application/vnd.mapbox-vector-tile"

// Service serves /tiles.
type Service struct {
	pool   *pgxpool.Pool
	layers []*Layer
	cache  *Cache
	live   Live
}

// New returns the service over Layers with a cache invalidated by live (nil:
// no cache).
func New(pool *pgxpool.Pool, live Live) *Service {
	return NewWith(pool, live, Layers, DefaultCacheBytes)
}

// NewWith is New with the layers and the cache bound given (benchmarks and
// tests use their own layers).
func NewWith(pool *pgxpool.Pool, live Live, layers []*Layer, cacheBytes int) *Service {
	s := &Service{pool: pool, layers: layers, live: live}
	if live != nil {
		s.cache = NewCache(cacheBytes, layers)
		live.OnEvents(s.cache.Apply)
	}
	return s
}

// Cache is the service's tile cache (nil without a live stream).
func (s *Service) Cache() *Cache { return s.cache }

// Routes mounts the service (at /tiles, behind authentication).
func (s *Service) Routes(r chi.Router) {
	r.Method(http.MethodGet, "/{layer}/{z}/{x}/{y}.mvt", api.HandlerFunc(s.tile))
	r.Method(http.MethodGet, "/{layer}.json", api.HandlerFunc(s.tileJSON))
}

// layer is the named layer if the caller may read it; otherwise 404, as if
// it did not exist.
func (s *Service) layer(r *http.Request) (*Layer, error) {
	name := chi.URLParam(r, "layer")
	for _, l := range s.layers {
		if l.Name == name && auth.Check(r.Context(), l.Permission) == nil {
			return l, nil
		}
	}
	return nil, api.NotFound("瓦片图层 " + name)
}

// Coords reads a request's z/x/y path parameters, each in range for its
// zoom (a 400 problem naming the bad one otherwise).
func Coords(r *http.Request) (z, x, y int, err error) { return tileCoords(r) }

// tileCoords reads z/x/y, each in range for its zoom.
func tileCoords(r *http.Request) (z, x, y int, err error) {
	z, err = strconv.Atoi(chi.URLParam(r, "z"))
	if err != nil || z < 0 || z > MaxZoom {
		return 0, 0, 0, api.BadRequest("z", "z 须为 0 到 "+strconv.Itoa(MaxZoom)+" 之间的缩放级别")
	}
	n := 1 << z
	x, err = strconv.Atoi(chi.URLParam(r, "x"))
	if err != nil || x < 0 || x >= n {
		return 0, 0, 0, api.BadRequest("x", "缩放级别 "+strconv.Itoa(z)+" 时 x 须在 0 到 "+strconv.Itoa(n-1)+" 之间")
	}
	y, err = strconv.Atoi(chi.URLParam(r, "y"))
	if err != nil || y < 0 || y >= n {
		return 0, 0, 0, api.BadRequest("y", "缩放级别 "+strconv.Itoa(z)+" 时 y 须在 0 到 "+strconv.Itoa(n-1)+" 之间")
	}
	return z, x, y, nil
}

func etag(b []byte) string {
	h := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(h[:12]) + `"`
}

func (s *Service) tile(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layer(r)
	if err != nil {
		return err
	}
	z, x, y, err := tileCoords(r)
	if err != nil {
		return err
	}
	// Tiles are per-user data that change live: caches may keep them but
	// must revalidate (the ETag makes that a 304).
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Vary", "Authorization, Cookie")
	if z < l.MinZoom || z > l.MaxZoom {
		w.WriteHeader(http.StatusNoContent) // the layer is not drawn at this zoom
		return nil
	}
	k := key{l.Name, z, x, y}
	e, hit := (*entry)(nil), false
	if s.cache != nil {
		e, hit = s.cache.get(k)
	}
	if !hit {
		ready := s.live != nil && s.live.Ready()
		var epoch uint64
		if s.cache != nil {
			epoch = s.cache.Epoch(l.Name)
		}
		t, err := l.Render(r.Context(), s.pool, z, x, y)
		if err != nil {
			return err
		}
		e = &entry{data: t.Data, ids: t.IDs, bound: bound(z, x, y)}
		if len(t.Data) > 0 {
			e.etag = etag(t.Data)
		}
		if s.cache != nil && ready {
			s.cache.put(k, e, epoch)
		}
	}
	w.Header().Set("X-Cache", map[bool]string{true: "hit", false: "miss"}[hit])
	if len(e.data) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("ETag", e.etag)
	if match(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", MVT)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.data)))
	_, err = w.Write(e.data)
	return err
}

// match reports whether an If-None-Match header names tag (or is *).
func match(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

func (s *Service) tileJSON(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layer(r)
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	if l.Source != nil {
		d, err := l.Source.TileJSON(r.Context(), s.pool)
		if err != nil {
			return err
		}
		return api.WriteJSON(w, http.StatusOK, tileJSONDoc(l, scheme+"://"+r.Host, d))
	}
	var x0, y0, x1, y1 *float64
	q := "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(" + l.Geom + ") e FROM " + l.From
	if l.Where != "" {
		q += " WHERE " + l.Where
	}
	if err := s.pool.QueryRow(r.Context(), q+") x").Scan(&x0, &y0, &x1, &y1); err != nil {
		return err
	}
	d := &Description{MinZoom: l.MinZoom, MaxZoom: l.MaxZoom}
	if x0 != nil {
		d.Bounds = []float64{*x0, *y0, *x1, *y1}
	}
	fields := map[string]string{}
	for _, p := range l.Props {
		fields[p.Name] = p.Type
	}
	d.VectorLayers = []map[string]any{{"id": l.Name, "description": l.Title, "fields": fields,
		"minzoom": l.MinZoom, "maxzoom": l.MaxZoom}}
	return api.WriteJSON(w, http.StatusOK, tileJSONDoc(l, scheme+"://"+r.Host, d))
}

// tileJSONDoc is the TileJSON 3.0.0 document of layer l served at origin.
func tileJSONDoc(l *Layer, origin string, d *Description) map[string]any {
	bounds := d.Bounds
	if bounds == nil {
		bounds = []float64{-180, -85.051129, 180, 85.051129}
	}
	doc := map[string]any{
		"tilejson": "3.0.0", "name": l.Name, "description": l.Title, "scheme": "xyz",
		"tiles":   []string{origin + "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt"},
		"minzoom": d.MinZoom, "maxzoom": d.MaxZoom, "bounds": bounds,
		"center":        []float64{(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, float64(max(d.MinZoom, 9))},
		"vector_layers": d.VectorLayers,
	}
	if d.Attribution != "" {
		doc["attribution"] = d.Attribution
	}
	return doc
}
