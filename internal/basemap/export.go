package basemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"sitrep/internal/areas"
	"sitrep/internal/db"
)

// DefaultExportMaxZoom is the deepest zoom an export writes; the map
// overzooms its tiles past it (roads, names and buildings are all in).
const DefaultExportMaxZoom = 14

// ExportOptions tune an export.
type ExportOptions struct {
	MinZoom, MaxZoom int
	// Progress is told how many tiles of the total are done.
	Progress func(done, total int)
}

// ExportReport is what an export wrote.
type ExportReport struct {
	Tiles            int   // tiles with content
	Bytes            int64 // the archive's size
	MinZoom, MaxZoom int
}

// Export writes the imported basemap as a PMTiles v3 archive: every tile
// from MinZoom to MaxZoom over the imported data's extent, rendered as the
// server renders it, gzip-compressed, identical tiles stored once, in tile
// id order (a clustered archive). The archive appears whole or not at all:
// it is written beside file and renamed.
func Export(ctx context.Context, q db.Querier, file string, opt ExportOptions) (*ExportReport, error) {
	if opt.MaxZoom == 0 {
		opt.MaxZoom = DefaultExportMaxZoom
	}
	if opt.MinZoom < 0 || opt.MaxZoom > 16 || opt.MinZoom > opt.MaxZoom {
		return nil, errors.New("缩放级别须满足 0 ≤ 最小级别 ≤ 最大级别 ≤ 16")
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	bound, err := dataBound(ctx, q)
	if err != nil {
		return nil, err
	}
	ids := tileIDs(bound, opt.MinZoom, opt.MaxZoom)

	data, err := os.CreateTemp(filepath.Dir(file), ".sitrep-tiles-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(data.Name())
	defer data.Close()
	w := bufio.NewWriter(data)
	var (
		entries  []pmtiles.EntryV3
		offset   uint64
		contents = map[[32]byte]pmtiles.EntryV3{}
		prevHash [32]byte
	)
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(i, len(ids))
		z, x, y := pmtiles.IDToZxy(id)
		t, err := Render(ctx, q, int(z), int(x), int(y))
		if err != nil {
			return nil, err
		}
		if len(t.Data) == 0 {
			continue
		}
		h := sha256.Sum256(t.Data)
		if n := len(entries); n > 0 && h == prevHash && entries[n-1].TileID+uint64(entries[n-1].RunLength) == id {
			entries[n-1].RunLength++
			continue
		}
		prevHash = h
		if e, ok := contents[h]; ok {
			entries = append(entries, pmtiles.EntryV3{TileID: id, Offset: e.Offset, Length: e.Length, RunLength: 1})
			continue
		}
		gz, err := gzipBytes(t.Data)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(gz); err != nil {
			return nil, err
		}
		e := pmtiles.EntryV3{TileID: id, Offset: offset, Length: uint32(len(gz)), RunLength: 1}
		contents[h] = e
		entries = append(entries, e)
		offset += uint64(len(gz))
	}
	progress(len(ids), len(ids))
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("没有可写出的瓦片")
	}
	sortEntries(entries)
	addressed := uint64(0)
	for _, e := range entries {
		addressed += uint64(e.RunLength)
	}

	root, leaves, _ := pmtiles.BuildDirectories(entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]any{
		"name": "Sitrep 底图", "format": "pbf", "type": "baselayer",
		"description": "sitrep basemap export：道路、铁路、水系、土地利用、建筑、地名、行政区划",
		"attribution": areas.Attribution, "generator": "sitrep basemap export", "vector_layers": vectorLayers(),
	}, pmtiles.Gzip)
	if err != nil {
		return nil, err
	}
	h := pmtiles.HeaderV3{
		SpecVersion: 3, Clustered: true, InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.Gzip, TileType: pmtiles.Mvt,
		MinZoom: uint8(opt.MinZoom), MaxZoom: uint8(opt.MaxZoom),
		AddressedTilesCount: addressed, TileEntriesCount: uint64(len(entries)), TileContentsCount: uint64(len(contents)),
		MinLonE7: e7(bound.Min[0]), MinLatE7: e7(bound.Min[1]), MaxLonE7: e7(bound.Max[0]), MaxLatE7: e7(bound.Max[1]),
		CenterZoom: uint8(min(opt.MaxZoom, 10)), CenterLonE7: e7(bound.Center()[0]), CenterLatE7: e7(bound.Center()[1]),
	}
	h.RootOffset = pmtiles.HeaderV3LenBytes
	h.RootLength = uint64(len(root))
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = offset

	out, err := os.CreateTemp(filepath.Dir(file), ".sitrep-pmtiles-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	for _, part := range [][]byte{pmtiles.SerializeHeader(h), root, meta, leaves} {
		if _, err := out.Write(part); err != nil {
			return nil, err
		}
	}
	if _, err := data.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if _, err := io.Copy(out, data); err != nil {
		return nil, err
	}
	if err := out.Sync(); err != nil {
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(out.Name(), file); err != nil {
		return nil, err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	return &ExportReport{Tiles: len(contents), Bytes: fi.Size(), MinZoom: opt.MinZoom, MaxZoom: opt.MaxZoom}, nil
}

// errNoData is dataBound's answer before any import.
var errNoData = errors.New("尚未导入底图数据：先运行 sitrep basemap import")

// dataBound is the extent of the imported ground (boundaries aside: a
// province's would reach far past the county).
func dataBound(ctx context.Context, q db.Querier) (orb.Bound, error) {
	var x0, y0, x1, y1 *float64
	err := q.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM (
		SELECT geom FROM basemap_roads UNION ALL SELECT geom FROM basemap_railways UNION ALL SELECT geom FROM basemap_waterways
		UNION ALL SELECT geom FROM basemap_water UNION ALL SELECT geom FROM basemap_landuse UNION ALL SELECT geom FROM basemap_places) g) x`).
		Scan(&x0, &y0, &x1, &y1)
	if err != nil {
		return orb.Bound{}, err
	}
	if x0 == nil {
		return orb.Bound{}, errNoData
	}
	return orb.Bound{Min: orb.Point{*x0, *y0}, Max: orb.Point{*x1, *y1}}, nil
}

// tileIDs are the PMTiles ids of the tiles covering b from zoom min to max,
// in id order.
func tileIDs(b orb.Bound, minZ, maxZ int) []uint64 {
	var ids []uint64
	for z := minZ; z <= maxZ; z++ {
		lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
		hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				ids = append(ids, pmtiles.ZxyToID(uint8(z), x, y))
			}
		}
	}
	// Within a zoom, ids follow the Hilbert curve, not rows.
	slices.Sort(ids)
	return ids
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func e7(v float64) int32 { return int32(math.Round(v * 1e7)) }
