package basemap

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/tiles"
	"sitrep/routing"
)

// TileLayerName is the basemap's name under /tiles.
const TileLayerName = "basemap"

// Service serves the basemap's status, search and online tiles; its tiles
// are served by package tiles through TileLayer.
type Service struct {
	pool     *pgxpool.Pool
	settings Settings
	archive  *Archive
	client   *http.Client
}

// New checks the settings and opens the PMTiles archive when one is set.
func New(pool *pgxpool.Pool, settings Settings) (*Service, error) {
	if err := settings.Check(); err != nil {
		return nil, err
	}
	if settings.Timeout == 0 {
		settings.Timeout = 8 * time.Second
	}
	s := &Service{pool: pool, settings: settings, client: &http.Client{Timeout: settings.Timeout}}
	if settings.PMTiles != "" {
		a, err := OpenArchive(settings.PMTiles)
		if err != nil {
			return nil, err
		}
		s.archive = a
	}
	return s, nil
}

// Close closes the archive, if any.
func (s *Service) Close() error {
	if s.archive != nil {
		return s.archive.Close()
	}
	return nil
}

// TileLayer is the basemap as a tile layer (/tiles/basemap/{z}/{x}/{y}.mvt):
// from the archive when one is set, else from the imported tables. Its
// cached tiles are dropped by the import's event.
func (s *Service) TileLayer() *tiles.Layer {
	var src tiles.Source = Tiles{}
	if s.archive != nil {
		src = s.archive
	}
	return &tiles.Layer{Name: TileLayerName, Topic: Topic, Title: "底图：道路、铁路、水系、土地利用、建筑、地名、行政区划",
		MinZoom: 0, MaxZoom: tiles.MaxZoom, Permission: auth.ReadMap, Source: src}
}

// Routes mounts GET /basemap and GET /search (the /api/v1 router, behind
// authentication).
func (s *Service) Routes(r chi.Router) {
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/basemap", api.HandlerFunc(s.status))
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/search", api.HandlerFunc(s.search))
}

// OnlineRoutes mounts the online basemap's tiles (the /tiles router).
func (s *Service) OnlineRoutes(r chi.Router) {
	r.Method(http.MethodGet, "/online/{layer}/{z}/{x}/{y}", api.HandlerFunc(s.onlineTile))
}

// Status is what the page needs to draw the ground.
type Status struct {
	Local  Local   `json:"local"`
	Online *Online `json:"online"`
}

// Local is the basemap Sitrep serves itself.
type Local struct {
	// Source is "postgis" (the imported tables) or "pmtiles" (an archive).
	Source string `json:"source"`
	// Loaded is false when there is nothing to draw: no import yet.
	Loaded      bool        `json:"loaded"`
	Import      *ImportInfo `json:"import"`
	File        string      `json:"file,omitempty"`
	TileJSON    string      `json:"tilejson"`
	Attribution string      `json:"attribution"`
}

// ImportInfo is the last import.
type ImportInfo struct {
	ID         int64            `json:"id"`
	ImportedAt time.Time        `json:"imported_at"`
	File       string           `json:"file"`
	Counts     map[string]int64 `json:"counts"`
	Townships  json.RawMessage  `json:"townships"`
	// Network is the road network built with the import (its size and
	// disconnected pieces); null for an import older than the network.
	Network *routing.Stats `json:"network"`
}

// LastImport is the last import, nil when none.
func LastImport(ctx context.Context, q db.Querier) (*ImportInfo, error) {
	var in ImportInfo
	err := q.QueryRow(ctx, `SELECT id, imported_at, file, counts, townships, network FROM basemap_imports ORDER BY id DESC LIMIT 1`).
		Scan(&in.ID, &in.ImportedAt, &in.File, &in.Counts, &in.Townships, &in.Network)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	in.ImportedAt = in.ImportedAt.UTC()
	return &in, nil
}

func (s *Service) status(w http.ResponseWriter, r *http.Request) error {
	st := Status{Online: s.settings.online(),
		Local: Local{Source: "postgis", TileJSON: "/tiles/" + TileLayerName + ".json", Attribution: areas.Attribution}}
	if s.archive != nil {
		st.Local.Source, st.Local.Loaded, st.Local.File = "pmtiles", true, filepath.Base(s.archive.path)
		if a, ok := s.archive.meta["attribution"].(string); ok && a != "" {
			st.Local.Attribution = a
		}
	} else {
		in, err := LastImport(r.Context(), s.pool)
		if err != nil {
			return err
		}
		st.Local.Import = in
		st.Local.Loaded = in != nil
	}
	w.Header().Set("Cache-Control", "no-cache")
	return api.WriteJSON(w, http.StatusOK, st)
}
