package ogc

import (
	"encoding/json"
	"html/template"
	"net/http"
)

// The HTML view is deliberately plain: a page a person can click through
// to check what a GIS client will get. html/template escapes every value.
var page_ = template.Must(template.New("p").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Title}} — Sitrep OGC API</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:80em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:40em}</style>
</head><body>
<h1>{{.Title}}</h1>{{if .Description}}<p>{{.Description}}</p>{{end}}
<ul>{{range .Links}}<li><a href="{{.Href}}">{{.Title}}</a> <small>{{.Rel}} · {{.Type}}</small></li>{{end}}</ul>
{{with .Table}}<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{$links := .Links}}{{range $i, $row := .Rows}}<tr>{{range $j, $cell := $row}}<td>{{if and (eq $j 0) (lt $i (len $links))}}<a href="{{index $links $i}}">{{$cell}}</a>{{else}}<pre>{{$cell}}</pre>{{end}}</td>{{end}}</tr>
{{end}}</table>{{end}}
</body></html>`))

type table struct {
	Head  []string
	Rows  [][]string
	Links []string // the first cell of row i links to Links[i], when given
}

func writeHTML(w http.ResponseWriter, title, desc string, links []link, t *table) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return page_.Execute(w, map[string]any{"Title": title, "Description": desc, "Links": links, "Table": t})
}

// writeItemsHTML shows features as a table: id, geometry (GeoJSON text)
// and one column per property. Decoding the features here is for display
// only; the JSON answer is never re-encoded.
func writeItemsHTML(w http.ResponseWriter, c *Collection, itemsURL string, p *page, links []link) error {
	t := &table{Head: []string{"编号（id）", "几何（geometry）"}}
	for _, pr := range c.Props {
		t.Head = append(t.Head, pr.Title+"（"+pr.Name+"）")
	}
	for _, f := range p.features {
		var feat struct {
			ID         json.RawMessage            `json:"id"`
			Geometry   json.RawMessage            `json:"geometry"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal([]byte(f), &feat); err != nil {
			return err
		}
		row := []string{string(feat.ID), string(feat.Geometry)}
		for _, pr := range c.Props {
			row = append(row, string(feat.Properties[pr.Name]))
		}
		t.Rows = append(t.Rows, row)
		t.Links = append(t.Links, itemsURL+"/"+string(feat.ID)+"?f=html")
	}
	desc := c.Description
	return writeHTML(w, c.Title, desc, links, t)
}
