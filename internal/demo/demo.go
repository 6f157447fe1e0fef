// Package demo loads the demonstration data: the real county boundary and its
// neighbours (OpenStreetMap-derived, see data/README.md) and the demo users.
// Everything in the demo that is not a boundary is synthetic and marked so.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
)

//go:embed data/*.geojson
var dataFS embed.FS

// Actor is who the audit trail names for demo loads.
var Actor = journal.Actor{Name: "演示数据载入"}

// Credential is a demo login, printed by `sitrep demo`.
type Credential struct {
	Name     string
	Role     auth.Role
	Password string
	// Token is set only when this run created the user.
	Token string
}

// Users are the demo accounts, one per role. Their passwords are public: the
// demo is for trying Sitrep out, never for real use.
var Users = []Credential{
	{Name: "viewer", Role: auth.Viewer, Password: "demo-viewer-pw"},
	{Name: "editor", Role: auth.Editor, Password: "demo-editor-pw"},
	{Name: "dispatcher", Role: auth.Dispatcher, Password: "demo-dispatcher-pw"},
	{Name: "duty", Role: auth.DutyOfficer, Password: "demo-duty-pw"},
	{Name: "commander", Role: auth.Commander, Password: "demo-commander-pw"},
	{Name: "admin", Role: auth.Admin, Password: "demo-admin-pw"},
}

// Load puts the demo data into the database. Running it again keeps what is
// there: users that exist are left alone, boundaries are replaced by code.
func Load(ctx context.Context, pool *pgxpool.Pool) ([]Credential, error) {
	boundaries := areas.NewStore(pool)
	boundaries.AfterUpsert = layers.RecomputeOutsideCounty
	if err := loadBoundaries(ctx, boundaries); err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	// The synthetic layers are placed inside the county boundary loaded above.
	if err := loadRegistry(ctx, pool); err != nil {
		return nil, fmt.Errorf("registry layers: %w", err)
	}
	return ensureUsers(ctx, auth.NewStore(pool))
}

func ensureUsers(ctx context.Context, store *auth.Store) ([]Credential, error) {
	out := make([]Credential, 0, len(Users))
	for _, c := range Users {
		_, token, err := store.CreateUser(ctx, Actor, auth.NewUser{Name: c.Name, DisplayName: "演示·" + c.Role.Label(), Role: c.Role, Password: c.Password})
		switch {
		case errors.Is(err, auth.ErrUserExists):
		case err != nil:
			return nil, fmt.Errorf("user %s: %w", c.Name, err)
		default:
			c.Token = token
		}
		out = append(out, c)
	}
	return out, nil
}

type featureCollection struct {
	Features []struct {
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	} `json:"features"`
}

func loadBoundaries(ctx context.Context, store *areas.Store) error {
	var list []areas.Area
	county, err := readAreas("data/wulumuqi_xian_650121_wgs84.geojson")
	if err != nil {
		return err
	}
	for _, a := range county {
		a.IsCounty = true
		list = append(list, a)
	}
	neighbours, err := readAreas("data/urumqi_area_counties_wgs84.geojson")
	if err != nil {
		return err
	}
	for _, a := range neighbours {
		if a.Code != areas.CountyCode { // the county file has the better shape (with its hole)
			list = append(list, a)
		}
	}
	return store.Upsert(ctx, Actor, list)
}

func readAreas(path string) ([]areas.Area, error) {
	raw, err := dataFS.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc featureCollection
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]areas.Area, 0, len(fc.Features))
	for i, f := range fc.Features {
		code, _ := f.Properties["adcode"].(string)
		name, _ := f.Properties["name"].(string)
		if code == "" || name == "" || len(f.Geometry) == 0 {
			return nil, fmt.Errorf("%s: feature %d lacks adcode, name or geometry", path, i)
		}
		props := map[string]any{}
		for _, k := range []string{"pinyin", "pop_2000_census", "pop_2010_census", "area_km2_source"} {
			if v, ok := f.Properties[k]; ok && v != nil {
				props[k] = v
			}
		}
		out = append(out, areas.Area{Code: code, Name: name, Properties: props, Geometry: f.Geometry})
	}
	return out, nil
}
