package ogc

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/auth"
)

// Media types.
const (
	GeoJSON = "application/geo+json"
	JSON    = "application/json"
	HTML    = "text/html"
	OpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	Schema  = "application/schema+json"
)

// Service serves /ogc.
type Service struct {
	pool        *pgxpool.Pool
	collections []*Collection
}

// New returns the service over every collection (All).
func New(pool *pgxpool.Pool) *Service { return &Service{pool: pool, collections: All()} }

// Routes mounts the service under the router it is given (mount at /ogc,
// behind authentication).
func (s *Service) Routes(r chi.Router) {
	get := func(p string, h api.HandlerFunc) { r.Method(http.MethodGet, p, h) }
	get("/", s.landing)
	get("/conformance", s.conformance)
	get("/api", s.openapi)
	get("/collections", s.listCollections)
	get("/collections/{collectionId}", s.collection)
	get("/collections/{collectionId}/queryables", s.queryables)
	get("/collections/{collectionId}/items", s.items)
	get("/collections/{collectionId}/items/{featureId}", s.item)
}

// Conformance lists the conformance classes implemented.
var Conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
}

// visible is the collection named id if the caller may see it; a hidden
// one is "not found", exactly like one that does not exist.
func (s *Service) visible(r *http.Request, id string) (*Collection, error) {
	for _, c := range s.collections {
		if c.ID == id && auth.Check(r.Context(), c.Permission) == nil {
			return c, nil
		}
	}
	return nil, api.NotFound("集合 " + id)
}

func (s *Service) visibleAll(r *http.Request) []*Collection {
	var out []*Collection
	for _, c := range s.collections {
		if auth.Check(r.Context(), c.Permission) == nil {
			out = append(out, c)
		}
	}
	return out
}

// link is an OGC/Atom-style link.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// base is the absolute URL of /ogc as the client reached it.
func base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/ogc"
}

// landingTitle names the service in its landing page.
const landingTitle = "Sitrep — 乌鲁木齐县生产安全事故应急指挥态势图"

// wantHTML decides the format: f=html|json wins, else Accept.
func wantHTML(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("f"); f {
	case "html":
		return true, nil
	case "json", "geojson":
		return false, nil
	case "":
		a := r.Header.Get("Accept")
		return strings.Contains(a, HTML) && !strings.Contains(a, "json"), nil
	default:
		return false, api.BadRequest("f", "f 须为 json 或 html")
	}
}

// selfAndAlt are the self and alternate links of a resource at path.
func selfAndAlt(r *http.Request, path, jsonType string, html bool) []link {
	b := base(r) + path
	j := link{Href: b + "?f=json", Rel: "self", Type: jsonType, Title: "本文档"}
	h := link{Href: b + "?f=html", Rel: "alternate", Type: HTML, Title: "本文档（HTML）"}
	if html {
		j.Rel, h.Rel = "alternate", "self"
		j.Title, h.Title = "本文档（JSON）", "本文档"
	}
	return []link{j, h}
}

func (s *Service) landing(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	b := base(r)
	doc := map[string]any{
		"title":       landingTitle,
		"description": "Sitrep 的地图图层，以 OGC API – Features 提供。坐标为 WGS 84 经度、纬度（CRS84）。",
		"links": append(selfAndAlt(r, "", JSON, html),
			link{Href: b + "/api", Rel: "service-desc", Type: OpenAPI, Title: "接口定义（OpenAPI 3.0）"},
			link{Href: b + "/conformance", Rel: "conformance", Type: JSON, Title: "符合的标准类别"},
			link{Href: b + "/collections", Rel: "data", Type: JSON, Title: "图层集合"}),
	}
	if html {
		return writeHTML(w, landingTitle, doc["description"].(string), doc["links"].([]link), nil)
	}
	return api.WriteJSON(w, http.StatusOK, doc)
}

func (s *Service) conformance(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	if html {
		rows := make([][]string, len(Conformance))
		for i, c := range Conformance {
			rows[i] = []string{c}
		}
		return writeHTML(w, "符合的标准类别", "", selfAndAlt(r, "/conformance", JSON, true), &table{Head: []string{"类别"}, Rows: rows})
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"conformsTo": Conformance})
}

// collectionDoc is a collection's description, with its extent from data.
func (s *Service) collectionDoc(r *http.Request, c *Collection) (map[string]any, error) {
	e, err := c.extent(r.Context(), s.pool)
	if err != nil {
		return nil, err
	}
	b := base(r) + "/collections/" + url.PathEscape(c.ID)
	bbox := []float64{-180, -90, 180, 90}
	if e.bbox != nil {
		bbox = e.bbox[:]
	}
	ext := map[string]any{"spatial": map[string]any{"bbox": [][]float64{bbox}, "crs": CRS84}}
	if c.Time != "" {
		ext["temporal"] = map[string]any{"interval": [][]*string{{timeText(e.start), timeText(e.end)}},
			"trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	return map[string]any{
		"id": c.ID, "title": c.Title, "description": c.Description, "itemType": "feature",
		"crs": []string{CRS84}, "storageCrs": CRS84, "extent": ext,
		"links": []link{
			{Href: b + "?f=json", Rel: "self", Type: JSON, Title: c.Title},
			{Href: b + "?f=html", Rel: "alternate", Type: HTML, Title: c.Title + "（HTML）"},
			{Href: b + "/items?f=json", Rel: "items", Type: GeoJSON, Title: "要素"},
			{Href: b + "/items?f=html", Rel: "items", Type: HTML, Title: "要素（HTML）"},
			{Href: b + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: Schema, Title: "可用于筛选的属性"},
		},
	}, nil
}

func timeText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func (s *Service) listCollections(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	var docs []map[string]any
	for _, c := range s.visibleAll(r) {
		d, err := s.collectionDoc(r, c)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	links := selfAndAlt(r, "/collections", JSON, html)
	if html {
		t := &table{Head: []string{"集合", "名称", "范围（WGS 84）"}}
		for _, d := range docs {
			id := d["id"].(string)
			t.Rows = append(t.Rows, []string{id, d["title"].(string), bboxText(d)})
			t.Links = append(t.Links, base(r)+"/collections/"+url.PathEscape(id)+"?f=html")
		}
		return writeHTML(w, "图层集合", "", links, t)
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"links": links, "collections": docs})
}

func bboxText(d map[string]any) string {
	bb := d["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"].([][]float64)[0]
	return strconv.FormatFloat(bb[0], 'f', 5, 64) + ", " + strconv.FormatFloat(bb[1], 'f', 5, 64) + " — " +
		strconv.FormatFloat(bb[2], 'f', 5, 64) + ", " + strconv.FormatFloat(bb[3], 'f', 5, 64)
}

func (s *Service) collection(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	c, err := s.visible(r, chi.URLParam(r, "collectionId"))
	if err != nil {
		return err
	}
	d, err := s.collectionDoc(r, c)
	if err != nil {
		return err
	}
	if html {
		t := &table{Head: []string{"属性", "名称", "可筛选类型"}}
		for _, p := range c.Props {
			kind := "—"
			if p.Type != 0 {
				kind = p.Type.Label() + "（" + p.Type.String() + "）"
			}
			t.Rows = append(t.Rows, [][]string{{p.Name, p.Title, kind}}...)
		}
		return writeHTML(w, c.Title, c.Description+" 范围："+bboxText(d)+"。", d["links"].([]link), t)
	}
	return api.WriteJSON(w, http.StatusOK, d)
}

// queryableType is a CQL2 type as JSON Schema.
var queryableType = map[string]map[string]string{
	"string": {"type": "string"}, "number": {"type": "number"}, "boolean": {"type": "boolean"},
	"date": {"type": "string", "format": "date"}, "timestamp": {"type": "string", "format": "date-time"},
}

func (s *Service) queryables(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visible(r, chi.URLParam(r, "collectionId"))
	if err != nil {
		return err
	}
	props := map[string]any{}
	for _, p := range c.Queryables() {
		q := map[string]string{"title": p.Title}
		for k, v := range queryableType[p.Type.String()] {
			q[k] = v
		}
		props[p.Name] = q
	}
	w.Header().Set("Content-Type", Schema)
	return json.NewEncoder(w).Encode(map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     base(r) + "/collections/" + url.PathEscape(c.ID) + "/queryables",
		"type":    "object", "title": c.Title, "properties": props, "additionalProperties": false,
	})
}

func (s *Service) items(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	c, err := s.visible(r, chi.URLParam(r, "collectionId"))
	if err != nil {
		return err
	}
	iq, err := c.parseItems(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := c.items(r.Context(), s.pool, iq)
	if err != nil {
		return err
	}
	self := base(r) + "/collections/" + url.PathEscape(c.ID) + "/items"
	withF := func(f string, after int64) string {
		q := r.URL.Query()
		q.Set("f", f)
		if after >= 0 {
			q.Set("after", strconv.FormatInt(after, 10))
		}
		return self + "?" + q.Encode()
	}
	links := []link{
		{Href: withF("json", -1), Rel: "self", Type: GeoJSON, Title: "本页"},
		{Href: withF("html", -1), Rel: "alternate", Type: HTML, Title: "本页（HTML）"},
		{Href: base(r) + "/collections/" + url.PathEscape(c.ID), Rel: "collection", Type: JSON, Title: c.Title},
	}
	if html {
		links[0].Rel, links[1].Rel = "alternate", "self"
	}
	if p.more {
		f := "json"
		typ := GeoJSON
		if html {
			f, typ = "html", HTML
		}
		links = append(links, link{Href: withF(f, p.lastID), Rel: "next", Type: typ, Title: "下一页"})
	}
	if html {
		return writeItemsHTML(w, c, self, p, links)
	}
	tail, err := json.Marshal(links)
	if err != nil {
		return err
	}
	buf := api.GetBuffer()
	defer api.PutBuffer(buf)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range p.features {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(f)
	}
	buf.WriteString(`],"numberMatched":` + strconv.FormatInt(p.matched, 10) +
		`,"numberReturned":` + strconv.Itoa(len(p.features)) +
		`,"timeStamp":"` + time.Now().UTC().Format(time.RFC3339) + `","links":`)
	buf.Write(tail)
	buf.WriteByte('}')
	return api.WriteBody(w, r, GeoJSON, buf.Bytes())
}

func (s *Service) item(w http.ResponseWriter, r *http.Request) error {
	html, err := wantHTML(r)
	if err != nil {
		return err
	}
	c, err := s.visible(r, chi.URLParam(r, "collectionId"))
	if err != nil {
		return err
	}
	fid := chi.URLParam(r, "featureId")
	id, err := strconv.ParseInt(fid, 10, 64)
	if err != nil || id < 1 {
		return api.NotFound("集合 " + c.ID + " 中的要素 " + fid)
	}
	f, err := c.item(r.Context(), s.pool, id)
	if err != nil {
		return err
	}
	path := "/collections/" + url.PathEscape(c.ID) + "/items/" + fid
	links := append(selfAndAlt(r, path, GeoJSON, html),
		link{Href: base(r) + "/collections/" + url.PathEscape(c.ID), Rel: "collection", Type: JSON, Title: c.Title})
	if html {
		return writeItemsHTML(w, c, base(r)+"/collections/"+url.PathEscape(c.ID)+"/items", &page{features: []string{f}, matched: 1}, links)
	}
	tail, err := json.Marshal(links)
	if err != nil {
		return err
	}
	// The feature is PostGIS's JSON object; the links go in before its
	// closing brace, never re-encoding the feature.
	out := strings.TrimSuffix(strings.TrimSpace(f), "}") + `,"links":` + string(tail) + "}"
	w.Header().Set("Content-Type", GeoJSON)
	_, err = w.Write([]byte(out))
	return err
}
