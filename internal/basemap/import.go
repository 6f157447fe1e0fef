package basemap

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/routing"
)

// Topic is the live-stream topic of a basemap load: its one event per
// import tells every server to drop its cached basemap tiles.
const Topic = "basemap"

// DefaultMarginM is how far past the county boundary the import keeps the
// ground: far enough for a plume or a team's route that leaves the county.
const DefaultMarginM = 5000

// importLock is the advisory lock key held for the whole of an import, so
// two imports never share the staging schema.
const importLock = 7272_0010

// Options tune an import.
type Options struct {
	// MarginM grows the county boundary for the clip (metres on the
	// ellipsoid); 0 takes DefaultMarginM.
	MarginM float64
	// Ogr2ogr is the program to run; "" finds ogr2ogr on PATH.
	Ogr2ogr string
	// Progress is told what the import is doing: a stage's label and how
	// far it is (done of total).
	Progress func(stage string, done, total int)
}

// Report is what an import did.
type Report struct {
	ID int64 `json:"id"`
	// Counts are the rows kept per table (roads, railways, …).
	Counts map[string]int64 `json:"counts"`
	// Clipped is false when no county boundary was loaded to clip to.
	Clipped bool    `json:"clipped"`
	MarginM float64 `json:"margin_m"`
	// Townships are the township boundaries loaded and the division code
	// each was matched to ("" when none).
	Townships []TownshipMatch `json:"townships"`
	// Reattributed counts registry features whose township_code changed.
	Reattributed int `json:"reattributed"`
	// Network is the routable road network built from the roads, and how
	// many disconnected pieces it has.
	Network routing.Stats `json:"network"`
	Seconds float64       `json:"seconds"`
}

// Extensions an import takes.
var Extensions = []string{".osm.pbf", ".pbf", ".osm"}

// checkFile refuses what is not an OSM extract Sitrep can read, before
// anything is touched.
func checkFile(file string) (os.FileInfo, error) {
	ok := false
	for _, ext := range Extensions {
		if strings.HasSuffix(strings.ToLower(file), ext) {
			ok = true
		}
	}
	if !ok {
		return nil, fmt.Errorf("%s 不是 OpenStreetMap 数据文件：需要 .osm.pbf 或 .osm 文件", file)
	}
	fi, err := os.Stat(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("找不到文件 %s", file)
		}
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s 不是普通文件", file)
	}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("%s 是空文件", file)
	}
	return fi, nil
}

// Import loads the OSM extract file into the basemap tables, replacing the
// previous load in one transaction; dbURL is pool's database, for ogr2ogr.
// Nothing changes unless the whole load succeeds.
func Import(ctx context.Context, pool *pgxpool.Pool, dbURL string, actor journal.Actor, file string, opt Options) (*Report, error) {
	start := time.Now()
	fi, err := checkFile(file)
	if err != nil {
		return nil, err
	}
	if opt.MarginM == 0 {
		opt.MarginM = DefaultMarginM
	}
	if opt.MarginM < 0 || opt.MarginM > 200_000 {
		return nil, errors.New("边距须在 0 到 200000 米之间")
	}
	if opt.Ogr2ogr == "" {
		opt.Ogr2ogr = "ogr2ogr"
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, err
	}

	// One import at a time: the lock is held by a connection of its own
	// until the import ends.
	lockConn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer lockConn.Release()
	var locked bool
	if err := lockConn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, importLock).Scan(&locked); err != nil {
		return nil, err
	}
	if !locked {
		return nil, errors.New("另一个底图导入正在进行，请待其完成后再试")
	}
	defer lockConn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, importLock) //nolint:errcheck // the session ends anyway

	clip, bbox, err := countyClip(ctx, lockConn, opt.MarginM)
	if err != nil {
		return nil, err
	}
	if _, err := lockConn.Exec(ctx, `DROP SCHEMA IF EXISTS `+stagingSchema+` CASCADE; CREATE SCHEMA `+stagingSchema); err != nil {
		return nil, err
	}
	defer lockConn.Exec(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+stagingSchema+` CASCADE`) //nolint:errcheck // best effort; the next import drops it first

	const reading = "读取 OSM 文件"
	progress(reading, 0, 100)
	if err := loadStaging(ctx, opt.Ogr2ogr, dbURL, file, bbox, func(pct int) { progress(reading, pct, 100) }); err != nil {
		return nil, err
	}
	if err := ensureStagingTables(ctx, lockConn); err != nil {
		return nil, err
	}

	rep := &Report{Counts: map[string]int64{}, Clipped: clip != nil, MarginM: opt.MarginM, Townships: []TownshipMatch{}}
	if clip == nil {
		rep.MarginM = 0
	}
	src := source{file: filepath.Base(file), bytes: fi.Size(), sha256: sum, start: start}
	_, err = journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return swap(ctx, tx, actor, clip, src, rep, progress)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// source is the file an import reads and when it began, for its row in
// basemap_imports.
type source struct {
	file   string
	bytes  int64
	sha256 string
	start  time.Time
}

// countyClip is the county boundary grown by marginM (as EWKB) and its
// bounding box, or nil and nil when no county is loaded.
func countyClip(ctx context.Context, q db.Querier, marginM float64) ([]byte, []float64, error) {
	var (
		clip []byte
		box  [4]*float64
	)
	err := q.QueryRow(ctx, `SELECT ST_AsEWKB(c), ST_XMin(c), ST_YMin(c), ST_XMax(c), ST_YMax(c)
		FROM (SELECT ST_Multi(ST_Buffer(ST_Union(geom)::geography, $1)::geometry) c FROM admin_areas WHERE is_county) x
		WHERE c IS NOT NULL`, marginM).Scan(&clip, &box[0], &box[1], &box[2], &box[3])
	if db.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return clip, []float64{*box[0], *box[1], *box[2], *box[3]}, nil
}

// ensureStagingTables makes the staging tables an extract had nothing for
// (ogr2ogr creates a layer's table only when it writes to it), so the load
// reads them as empty.
func ensureStagingTables(ctx context.Context, q db.Querier) error {
	_, err := q.Exec(ctx, `
		CREATE TABLE IF NOT EXISTS `+stagingSchema+`.points (osm_id text, name text, name_zh text, place text, population text,
			geom geometry(Point, 4326));
		CREATE TABLE IF NOT EXISTS `+stagingSchema+`.lines (osm_id text, name text, name_zh text, highway text, railway text,
			waterway text, ref text, oneway text, junction text, maxspeed text, bridge text, tunnel text, layer text,
			geom geometry(LineString, 4326));
		CREATE TABLE IF NOT EXISTS `+stagingSchema+`.multipolygons (osm_id text, osm_way_id text, name text, name_zh text,
			type text, admin_level text, boundary text, building text, landuse text, "natural" text, water text,
			waterway text, leisure text, place text, ref text, geom geometry(MultiPolygon, 4326))`)
	return err
}

// basemapTables are the tables a load replaces, in the order it fills them.
var basemapTables = []string{"basemap_roads", "basemap_railways", "basemap_waterways", "basemap_water",
	"basemap_landuse", "basemap_buildings", "basemap_places", "basemap_boundaries", "basemap_names"}

// swap replaces the basemap inside tx: the old rows go, the staging rows
// come in classified and clipped, then townships, names, the registry's
// township codes and the import's own row; the change it returns is the
// audit row and the live event.
func swap(ctx context.Context, tx pgx.Tx, actor journal.Actor, clip []byte, src source, rep *Report, progress func(string, int, int)) ([]journal.Change, error) {
	// A large extract's statements take longer than a request may.
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE basemap_clip ON COMMIT DROP AS
		SELECT ST_GeomFromEWKB($1::bytea)::geometry(MultiPolygon, 4326) AS geom WHERE $1::bytea IS NOT NULL`, clip); err != nil {
		return nil, err
	}
	// DELETE, not TRUNCATE: tiles keep rendering from the old load until
	// this transaction commits.
	for _, t := range basemapTables {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t); err != nil {
			return nil, err
		}
	}
	total := len(loadSteps) + 4
	for i, s := range loadSteps {
		progress("写入"+s.label, i, total)
		tag, err := tx.Exec(ctx, s.sql)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.table, err)
		}
		rep.Counts[strings.TrimPrefix(s.table, "basemap_")] = tag.RowsAffected()
	}
	// The network is built from the roads just loaded, in this transaction:
	// no reader sees roads without their network or a network half built.
	progress("建立道路网络", len(loadSteps), total)
	net, err := routing.Build(ctx, tx)
	if err != nil {
		return nil, err
	}
	rep.Network = net
	progress("匹配乡镇代码", len(loadSteps)+1, total)
	matches, err := matchTownships(ctx, tx)
	if err != nil {
		return nil, err
	}
	rep.Townships = matches
	progress("建立地名索引", len(loadSteps)+2, total)
	n, err := fillNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	rep.Counts["names"] = n
	progress("更新乡镇归属", len(loadSteps)+3, total)
	changes, err := layers.ReattributeTownships(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.EntityID != "*" {
			rep.Reattributed++
		}
	}
	for _, t := range basemapTables {
		if _, err := tx.Exec(ctx, `ANALYZE `+t); err != nil {
			return nil, err
		}
	}
	rep.Seconds = time.Since(src.start).Seconds()
	if err := tx.QueryRow(ctx, `INSERT INTO basemap_imports (actor_name, file, file_bytes, sha256, margin_m, clip, counts, townships, network, seconds)
		VALUES ($1, $2, $3, $4, $5, (SELECT geom FROM basemap_clip), $6, $7, $8, $9) RETURNING id`,
		actor.Name, src.file, src.bytes, src.sha256, nullIfZero(rep.MarginM), rep.Counts, rep.Townships, rep.Network, rep.Seconds).Scan(&rep.ID); err != nil {
		return nil, err
	}
	progress("提交", total, total)
	summary := map[string]any{"import_id": rep.ID, "counts": rep.Counts, "clipped": rep.Clipped, "townships": rep.Townships,
		"network": rep.Network}
	return append([]journal.Change{{Entity: "basemap", EntityID: strconv.FormatInt(rep.ID, 10), Action: "import",
		After: summary, Topic: Topic, Event: summary}}, changes...), nil
}

func nullIfZero(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
