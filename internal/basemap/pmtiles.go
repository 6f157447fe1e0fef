package basemap

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/protomaps/go-pmtiles/pmtiles"

	"sitrep/internal/db"
	"sitrep/internal/tiles"
)

// Archive serves basemap tiles from a PMTiles (v3) archive on disk: the file
// a province hands its counties, or one sitrep basemap export wrote. The
// header and directories are read with protomaps' go-pmtiles; the root
// directory is kept in memory and leaf directories as they are read.
type Archive struct {
	path   string
	f      *os.File
	header pmtiles.HeaderV3
	root   []pmtiles.EntryV3
	meta   map[string]any

	mu     sync.Mutex
	leaves map[uint64][]pmtiles.EntryV3 // by leaf offset
}

// maxCachedLeaves bounds the leaf directories kept (a county's archive has
// a handful; a province's may have thousands).
const maxCachedLeaves = 4096

// OpenArchive opens and checks a PMTiles archive: version 3, vector tiles,
// and the layers Sitrep's style draws (LayerNames); an archive in another
// schema would draw nothing, so it is refused with the reason.
func OpenArchive(path string) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("底图文件 %s 无法打开：%w", path, err)
	}
	a := &Archive{path: path, f: f, leaves: map[uint64][]pmtiles.EntryV3{}}
	if err := a.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("底图文件 %s：%w", path, err)
	}
	return a, nil
}

func (a *Archive) load() error {
	head := make([]byte, pmtiles.HeaderV3LenBytes)
	if _, err := a.f.ReadAt(head, 0); err != nil {
		return errors.New("不是 PMTiles 文件（太短）")
	}
	h, err := pmtiles.DeserializeHeader(head)
	if err != nil {
		return errors.New("不是 PMTiles 第 3 版文件")
	}
	if h.TileType != pmtiles.Mvt {
		return errors.New("不是矢量瓦片（MVT）档案")
	}
	a.header = h
	if a.root, err = a.directory(h.RootOffset, h.RootLength); err != nil {
		return err
	}
	raw := make([]byte, h.MetadataLength)
	if _, err := a.f.ReadAt(raw, int64(h.MetadataOffset)); err != nil {
		return errors.New("元数据无法读取")
	}
	if a.meta, err = pmtiles.DeserializeMetadata(bytes.NewReader(raw), h.InternalCompression); err != nil {
		return errors.New("元数据无法解析")
	}
	have := map[string]bool{}
	if vls, ok := a.meta["vector_layers"].([]any); ok {
		for _, vl := range vls {
			if m, ok := vl.(map[string]any); ok {
				if id, ok := m["id"].(string); ok {
					have[id] = true
				}
			}
		}
	}
	for _, need := range []string{"roads", "water", "places", "boundaries"} {
		if !have[need] {
			return fmt.Errorf("缺少图层 %q：Sitrep 的底图样式只能绘制其自身结构的瓦片（图层 %v，见 sitrep basemap export）", need, LayerNames)
		}
	}
	return nil
}

func (a *Archive) directory(offset, length uint64) ([]pmtiles.EntryV3, error) {
	raw := make([]byte, length)
	if _, err := a.f.ReadAt(raw, int64(offset)); err != nil {
		return nil, errors.New("目录无法读取")
	}
	return pmtiles.DeserializeEntries(bytes.NewBuffer(raw), a.header.InternalCompression), nil
}

// Close closes the file.
func (a *Archive) Close() error { return a.f.Close() }

// Tile returns tile z/x/y's MVT bytes, uncompressed, or nil when the archive
// has no such tile.
func (a *Archive) Tile(z, x, y int) ([]byte, error) {
	if z < int(a.header.MinZoom) || z > int(a.header.MaxZoom) {
		return nil, nil
	}
	id := pmtiles.ZxyToID(uint8(z), uint32(x), uint32(y))
	entries := a.root
	for depth := 0; depth < 4; depth++ {
		e, ok := pmtiles.FindTile(entries, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			return a.tileData(e)
		}
		var err error
		if entries, err = a.leaf(e); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("底图文件目录层级过深")
}

func (a *Archive) leaf(e pmtiles.EntryV3) ([]pmtiles.EntryV3, error) {
	a.mu.Lock()
	cached, ok := a.leaves[e.Offset]
	a.mu.Unlock()
	if ok {
		return cached, nil
	}
	entries, err := a.directory(a.header.LeafDirectoryOffset+e.Offset, uint64(e.Length))
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.leaves) >= maxCachedLeaves {
		clear(a.leaves)
	}
	a.leaves[e.Offset] = entries
	a.mu.Unlock()
	return entries, nil
}

func (a *Archive) tileData(e pmtiles.EntryV3) ([]byte, error) {
	raw := make([]byte, e.Length)
	if _, err := a.f.ReadAt(raw, int64(a.header.TileDataOffset+e.Offset)); err != nil {
		return nil, errors.New("瓦片无法读取")
	}
	switch a.header.TileCompression {
	case pmtiles.NoCompression, pmtiles.UnknownCompression:
		return raw, nil
	case pmtiles.Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, errors.New("瓦片解压失败")
		}
		return io.ReadAll(zr)
	}
	return nil, errors.New("不支持的瓦片压缩方式（只支持 gzip 或不压缩）")
}

// Render is the tiles.Source method: tile z/x/y from the archive.
func (a *Archive) Render(_ context.Context, _ db.Querier, z, x, y int) (*tiles.Tile, error) {
	data, err := a.Tile(z, x, y)
	if err != nil {
		return nil, err
	}
	return &tiles.Tile{Data: data, Count: len(data)}, nil
}

// TileJSON is the tiles.Source method: the archive's header and metadata.
func (a *Archive) TileJSON(context.Context, db.Querier) (*tiles.Description, error) {
	h := a.header
	d := &tiles.Description{MinZoom: int(h.MinZoom), MaxZoom: int(h.MaxZoom),
		Bounds: []float64{float64(h.MinLonE7) / 1e7, float64(h.MinLatE7) / 1e7, float64(h.MaxLonE7) / 1e7, float64(h.MaxLatE7) / 1e7}}
	if vls, ok := a.meta["vector_layers"].([]any); ok {
		for _, vl := range vls {
			if m, ok := vl.(map[string]any); ok {
				d.VectorLayers = append(d.VectorLayers, m)
			}
		}
	}
	d.Attribution, _ = a.meta["attribution"].(string)
	return d, nil
}

// sortEntries orders entries by tile id, as a directory must be.
func sortEntries(es []pmtiles.EntryV3) {
	slices.SortFunc(es, func(a, b pmtiles.EntryV3) int {
		switch {
		case a.TileID < b.TileID:
			return -1
		case a.TileID > b.TileID:
			return 1
		}
		return 0
	})
}
