package registry

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/validation"
)

// mustBeFormat is the detail of a format that is neither of the two.
const mustBeFormat = "须为 geojson 或 csv"

// importProblem is the 422 of a real import with bad rows: the RFC 9457
// problem with the per-row list as an extension member.
type importProblem struct {
	*api.Problem
	Rows []RowError `json:"rows"`
}

// importFile serves POST /{layer}/import: a GeoJSON FeatureCollection
// (application/geo+json or application/json) or CSV (text/csv).
// ?dry_run=true answers 200 with the report, bad rows and all; a real run
// answers 200 with the counts, or 422 with every bad row and nothing stored.
func (h *handlers) importFile(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), h.store.layer.CanWrite()); err != nil {
		return err
	}
	dryRun := false
	for k, v := range r.URL.Query() {
		switch {
		case k == "dry_run" && len(v) == 1 && (v[0] == "true" || v[0] == "false"):
			dryRun = v[0] == "true"
		case k == "dry_run":
			return api.BadRequest("dry_run", validation.NotBool)
		default:
			return api.BadRequest(k, "未知参数；导入只接受 dry_run")
		}
	}
	format, err := importFormat(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return api.NewProblem(http.StatusRequestEntityTooLarge, "too-large", "请求体过大",
				"导入文件最多 "+strconv.FormatInt(tooBig.Limit>>20, 10)+" MiB；请拆分文件，或在服务器上用 sitrep import 导入")
		}
		return err
	}
	start := time.Now()
	rep, err := h.store.Import(r.Context(), auth.Actor(r.Context()), format, body, ImportOptions{DryRun: dryRun})
	if err != nil {
		return err
	}
	slog.InfoContext(r.Context(), "import", "layer", h.store.layer.Name, "format", format, "dry_run", dryRun,
		"rows", rep.Rows, "bad", len(rep.Errors), "created", rep.Created, "ms", time.Since(start).Milliseconds())
	if !rep.OK() && !dryRun {
		p := api.NewProblem(http.StatusUnprocessableEntity, "invalid-import", "导入文件有误",
			"共 "+strconv.Itoa(rep.Rows)+" 行，其中 "+strconv.Itoa(rep.Rows-rep.Valid)+" 行有 "+strconv.Itoa(len(rep.Errors))+
				" 处问题；未保存任何数据。每处问题及其行号列在 rows 中。")
		p.Instance = r.URL.Path
		w.Header().Set("Content-Type", api.ProblemContentType)
		w.Header().Set("Content-Language", api.ContentLanguage)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(p.Status)
		return json.NewEncoder(w).Encode(importProblem{Problem: p, Rows: rep.Errors})
	}
	return api.WriteJSON(w, http.StatusOK, rep)
}

// importFormat picks the format from the body's media type.
func importFormat(contentType string) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	unsupported := func() error {
		p := api.NewProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "不支持的内容类型",
			"GeoJSON FeatureCollection 请以 application/geo+json（或 application/json）发送，CSV 以 text/csv 发送，均为 UTF-8 编码")
		p.Errors = []api.FieldError{{Field: "Content-Type", Detail: "须为 application/geo+json、application/json 或 text/csv"}}
		return p
	}
	if err != nil {
		return "", unsupported()
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return "", unsupported()
	}
	switch mt {
	case "application/geo+json", "application/json":
		return FormatGeoJSON, nil
	case "text/csv":
		return FormatCSV, nil
	}
	return "", unsupported()
}

// exportFile serves GET /{layer}/export?format=geojson|csv as a download.
// The rows stream from the database; if reading fails after the first
// bytes went out, the connection is cut (no final chunk), so a client sees
// a failed download rather than a file that looks whole.
func (h *handlers) exportFile(w http.ResponseWriter, r *http.Request) error {
	format := FormatGeoJSON
	for k, v := range r.URL.Query() {
		switch {
		case k == "format" && len(v) == 1 && (v[0] == FormatGeoJSON || v[0] == FormatCSV):
			format = v[0]
		case k == "format":
			return api.BadRequest("format", mustBeFormat)
		default:
			return api.BadRequest(k, "未知参数；导出只接受 format")
		}
	}
	name := h.store.layer.Name + "-" + time.Now().UTC().Format("20060102T150405Z")
	cw := &countingWriter{w: w}
	var err error
	if format == FormatCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		_, err = h.store.WriteCSV(r.Context(), cw)
	} else {
		w.Header().Set("Content-Type", api.GeoJSONType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
		_, err = h.store.WriteGeoJSON(r.Context(), cw)
	}
	if err != nil && cw.n > 0 {
		slog.ErrorContext(r.Context(), "export cut short", "layer", h.store.layer.Name, "err", err, "bytes", cw.n)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		w.Header().Del("Content-Disposition")
	}
	return err
}

// countingWriter tells whether anything reached the client yet.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
