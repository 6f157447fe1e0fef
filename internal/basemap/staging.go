package basemap

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// osmconf is GDAL's OSM driver configuration: which tags become columns.
//
//go:embed osmconf.ini
var osmconf []byte

// stagingSchema holds ogr2ogr's output until the swap; one import at a time
// (an advisory lock) uses it.
const stagingSchema = "basemap_staging"

// ogrLayers are the OSM driver's layers Sitrep reads.
var ogrLayers = []string{"points", "lines", "multipolygons"}

// gdalConnection turns a PostgreSQL URL (or key=value string) into GDAL's
// PG: connection string and the environment ogr2ogr needs: the password goes
// in PGPASSWORD, never on a command line another user could read.
func gdalConnection(dbURL string) (conn string, env []string, err error) {
	if !strings.HasPrefix(dbURL, "postgres://") && !strings.HasPrefix(dbURL, "postgresql://") {
		return "PG:" + dbURL, nil, nil
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, errors.New("数据库地址无法解析")
	}
	var kv []string
	add := func(k, v string) {
		if v != "" {
			kv = append(kv, k+"='"+strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v)+"'")
		}
	}
	add("host", u.Hostname())
	add("port", u.Port())
	add("dbname", strings.TrimPrefix(u.Path, "/"))
	if u.User != nil {
		add("user", u.User.Username())
		if p, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+p)
		}
	}
	for k, vs := range u.Query() {
		if len(vs) > 0 && k != "pool_max_conns" && !strings.HasPrefix(k, "pool_") {
			add(k, vs[len(vs)-1])
		}
	}
	return "PG:" + strings.Join(kv, " "), env, nil
}

// loadStaging runs ogr2ogr: the extract's points, lines and multipolygons
// into stagingSchema (which the caller has made empty), limited to bbox when
// given (minLon, minLat, maxLon, maxLat). progress gets 0..100.
func loadStaging(ctx context.Context, ogr2ogr, dbURL, file string, bbox []float64, progress func(pct int)) error {
	conf, err := os.CreateTemp("", "sitrep-osmconf-*.ini")
	if err != nil {
		return err
	}
	defer os.Remove(conf.Name())
	if _, err := conf.Write(osmconf); err != nil {
		conf.Close()
		return err
	}
	if err := conf.Close(); err != nil {
		return err
	}
	pg, env, err := gdalConnection(dbURL)
	if err != nil {
		return err
	}
	args := []string{
		"--config", "OSM_CONFIG_FILE", conf.Name(),
		// Node positions for ways are indexed in a temporary file; up to
		// 1 GiB stays in memory, which takes a large county's extract.
		"--config", "OSM_MAX_TMPFILE_SIZE", "1024",
		"--config", "PG_USE_COPY", "YES",
		"-f", "PostgreSQL", pg, file,
		"-lco", "SCHEMA=" + stagingSchema, "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=NONE",
		"-lco", "FID=ogc_fid", "-lco", "LAUNDER=YES",
		"-gt", "65536", "-progress",
	}
	if len(bbox) == 4 {
		args = append(args, "-spat")
		for _, v := range bbox {
			args = append(args, strconv.FormatFloat(v, 'f', 6, 64))
		}
	}
	args = append(args, ogrLayers...)
	cmd := exec.CommandContext(ctx, ogr2ogr, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return errors.New("找不到 ogr2ogr（GDAL）：请安装 Debian 的 gdal-bin 软件包（scripts/run.sh 会安装）")
		}
		return err
	}
	readProgress(out, progress)
	err = cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The OSM driver reports a file cut short or malformed with ERROR lines
	// but still exits 0: half an extract must not replace a whole one.
	if err != nil || strings.Contains(stderr.String(), "ERROR ") {
		return fmt.Errorf("ogr2ogr 无法读取 %s：%s", file, lastLines(errorLines(stderr.String()), 5))
	}
	return nil
}

// errorLines keeps the ERROR lines of ogr2ogr's output when there are any
// (its warnings would bury them).
func errorLines(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "ERROR ") {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return s
	}
	return strings.Join(keep, "\n")
}

// readProgress follows ogr2ogr's -progress output ("0...10...20...") and
// reports each percentage it passes.
func readProgress(r io.Reader, progress func(pct int)) {
	br := bufio.NewReader(r)
	num := -1
	for {
		b, err := br.ReadByte()
		if err != nil {
			return
		}
		switch {
		case b >= '0' && b <= '9':
			if num < 0 {
				num = 0
			}
			num = num*10 + int(b-'0')
		default:
			if num >= 0 && num <= 100 && progress != nil {
				progress(num)
			}
			num = -1
		}
	}
}

// lastLines is the end of a program's error output, for a message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.TrimSpace(strings.Join(lines, "; "))
	if out == "" {
		return "（ogr2ogr 未说明原因）"
	}
	return out
}
