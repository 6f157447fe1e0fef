package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"sitrep/internal/basemap"
)

const basemapSummary = `Load and export the map's ground (roads, water, places, townships).

  sitrep basemap import FILE [--margin METRES]
  sitrep basemap export FILE.pmtiles [--maxzoom Z]

import loads an OpenStreetMap extract (.osm.pbf or .osm) with GDAL's
ogr2ogr (Debian's gdal-bin) into PostGIS: roads, railways, water, land use,
buildings, places and administrative boundaries down to townships, clipped to
the county grown by --margin. It replaces the previous load in one
transaction; servers drop their cached basemap tiles when it commits.
export writes a PMTiles archive of the imported basemap, for
--basemap-pmtiles on another server.`

func runBasemap(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("basemap <import|export> FILE [flags]", basemapSummary, stdout)
	margin := cmd.Float64("margin", basemap.DefaultMarginM, "import: metres kept around the county boundary")
	maxZoom := cmd.Int("maxzoom", basemap.DefaultExportMaxZoom, "export: deepest zoom written (the map overzooms past it)")
	positional, err := cmd.parse(args)
	if err != nil {
		return err
	}
	if len(positional) != 2 || (positional[0] != "import" && positional[0] != "export") {
		cmd.Usage()
		return errors.New("name an action (import or export) and a FILE")
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	progress := newProgress(os.Stderr)
	defer progress.finish()
	file := positional[1]
	if positional[0] == "export" {
		rep, err := basemap.Export(ctx, pool, file, basemap.ExportOptions{MaxZoom: *maxZoom, Progress: progress.update})
		progress.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已写出 %s：%d 个瓦片（z%d–z%d，%d 字节）\n", file, rep.Tiles, rep.MinZoom, rep.MaxZoom, rep.Bytes)
		return nil
	}
	rep, err := basemap.Import(ctx, pool, cmd.url, cliActor(), file, basemap.Options{MarginM: *margin, Progress: progress.stage})
	progress.finish()
	if err != nil {
		return err
	}
	printImport(stdout, file, rep)
	return nil
}

// tableNames are the Chinese words for the import's counts.
var tableNames = map[string]string{"roads": "道路", "railways": "铁路", "waterways": "河流", "water": "水域",
	"landuse": "土地利用", "buildings": "建筑", "places": "地名", "boundaries": "行政区划", "names": "可搜索名称"}

func printImport(w io.Writer, file string, rep *basemap.Report) {
	fmt.Fprintf(w, "已导入 %s（第 %d 次导入，%.1f 秒）\n", file, rep.ID, rep.Seconds)
	if rep.Clipped {
		fmt.Fprintf(w, "已裁剪到县界外扩 %.0f 米\n", rep.MarginM)
	} else {
		fmt.Fprintln(w, "未加载县界，未裁剪（先运行 sitrep demo 或加载县界）")
	}
	keys := make([]string, 0, len(rep.Counts))
	for k := range rep.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", tableNames[k], rep.Counts[k]))
	}
	fmt.Fprintln(w, strings.Join(parts, "，"))
	for _, t := range rep.Townships {
		if t.Code != "" {
			fmt.Fprintf(w, "乡镇边界 %s → %s\n", t.Name, t.Code)
		} else {
			fmt.Fprintf(w, "乡镇边界 %s：不是本县乡镇或名称不符，只绘制，不用于归属\n", t.Name)
		}
	}
	n := rep.Network
	fmt.Fprintf(w, "道路网络：%d 个节点，%d 条路段，%d 个互不连通的部分，最大部分占道路总长 %.1f%%\n",
		n.Vertices, n.Edges, n.Components, n.LargestShare*100)
	if rep.Reattributed > 0 {
		fmt.Fprintf(w, "%d 个登记要素的乡镇代码已按所在位置更新\n", rep.Reattributed)
	}
}
