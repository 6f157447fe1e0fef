package registry

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// Paging bounds of the list endpoint.
const (
	DefaultLimit = 500
	MaxLimit     = 5000
)

// ListQuery is a parsed, checked list request; ParseList makes one.
type ListQuery struct {
	bbox  []float64 // minLon, minLat, maxLon, maxLat; nil for none
	limit int
	// props are the properties each feature carries (nil: all), from
	// ?properties=a,b: a map of team names needs no equipment lists.
	props   []string
	after   int64
	filters []filter
}

type filter struct {
	field  Field
	values []string
}

// ParseList reads bbox, limit, after and the layer's filters from the query;
// any other parameter is refused by name, so a misspelt filter never
// silently returns the whole layer.
func (l *Layer) ParseList(q url.Values) (*ListQuery, error) {
	lq := &ListQuery{limit: DefaultLimit}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := q[k]
		if len(vs) != 1 {
			return nil, api.BadRequest(k, k+" 只能给一次（多个值请用逗号分隔）")
		}
		v := vs[0]
		switch k {
		case "bbox":
			b, err := parseBBox(v)
			if err != nil {
				return nil, err
			}
			lq.bbox = b
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				return nil, api.BadRequest("limit", "limit 须为 1 到 "+strconv.Itoa(MaxLimit)+" 之间的整数")
			}
			lq.limit = n
		case "properties":
			names := strings.Split(v, ",")
			for _, n := range names {
				if !slices.Contains(l.propertyNames(), n) {
					return nil, api.BadRequest("properties", "未知属性 "+strconv.Quote(n)+"；可选："+strings.Join(l.propertyNames(), ", "))
				}
			}
			lq.props = names
		case "after":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, api.BadRequest("after", "after 须为 next 链接中的要素编号（≥ 0 的整数）")
			}
			lq.after = n
		default:
			f, ok := l.Field(k)
			if !ok || !f.Filter {
				return nil, api.BadRequest(k, "未知查询参数 "+k+"；本图层可按以下参数筛选："+strings.Join(l.filterNames(), ", "))
			}
			values := strings.Split(v, ",")
			for _, x := range values {
				if err := checkFilterValue(f, x); err != nil {
					return nil, err
				}
			}
			lq.filters = append(lq.filters, filter{field: f, values: values})
		}
	}
	return lq, nil
}

// propertyNames are what ?properties= may name: every property a feature
// carries.
func (l *Layer) propertyNames() []string {
	out := []string{"version", "updated_at"}
	for _, f := range l.Fields {
		out = append(out, f.Name)
	}
	return out
}

func (l *Layer) filterNames() []string {
	out := []string{"bbox", "limit", "after", "properties"}
	for _, f := range l.Fields {
		if f.Filter {
			out = append(out, f.Name)
		}
	}
	return out
}

func checkFilterValue(f Field, v string) error {
	switch {
	case v == "":
		return api.BadRequest(f.Name, "值为空")
	case len(f.Enum) > 0 && !slices.Contains(f.Enum, v):
		return api.BadRequest(f.Name, f.Name+" "+validation.OneOf(f.Enum, f.Label))
	case f.Kind == Boolean && v != "true" && v != "false":
		return api.BadRequest(f.Name, f.Name+" "+validation.NotBool)
	}
	return nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat in WGS 84 (RFC 7946 5 order).
func parseBBox(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, api.BadRequest("bbox", validation.BBoxForm)
	}
	b := make([]float64, 4)
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) { // "NaN" parses, and no range check would stop it
			return nil, api.BadRequest("bbox", validation.BBoxForm)
		}
		b[i] = x
	}
	switch {
	case b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90:
		return nil, api.BadRequest("bbox", validation.BBoxRange)
	case b[0] > b[2] || b[1] > b[3]:
		return nil, api.BadRequest("bbox", validation.BBoxOrder)
	}
	return b, nil
}
