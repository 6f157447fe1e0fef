package protective

import (
	"strings"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/geo/sun"
)

// Model and Version identify this model in stored zones.
const (
	Model   = "erg-isolation-protective-action"
	Version = "1.0.0"
)

// Request is everything a protective-zone run depends on (together with
// the table, which is copied into the Result).
type Request struct {
	// Key of the table entry, e.g. "chlorine", "flammable-gas".
	Key string `json:"key"`
	// Case of the entry, e.g. "small", "large", "fire".
	Case string `json:"case"`
	// Source is the spill location, WGS 84 lon/lat.
	Source orb.Point `json:"source"`
	// Time decides day or night by the sun at Source.
	Time time.Time `json:"time"`
	// WindFromDeg is the meteorological direction the wind blows FROM.
	WindFromDeg geo.WindFrom `json:"windFromDeg"`
	// VariableWind: calm or shifting wind → protective circle.
	VariableWind bool `json:"variableWind,omitempty"`
}

// Result is one run.
type Result struct {
	Model   string  `json:"model"`
	Version string  `json:"version"`
	Inputs  Request `json:"inputs"`
	// Entry and TableSource/TableStatus record the table values used.
	Entry       Entry  `json:"entry"`
	TableSource string `json:"tableSource"`
	TableStatus string `json:"tableStatus"`
	// Day is true when the sun is above the horizon at Source and Time.
	Day               bool    `json:"day"`
	SolarElevationDeg float64 `json:"solarElevationDeg"`
	// Zones: Level 1 initial isolation circle (if any), then the
	// protective action area (if any).
	Zones []geo.Zone `json:"zones"`
	// Warnings for the duty officer (e.g. unverified table entry).
	Warnings []string `json:"warnings,omitempty"`
}

// Zones computes the isolation and protective-action zones for r.
func (t *Table) Zones(r Request) (Result, error) {
	res := Result{Model: Model, Version: Version, Inputs: r, TableSource: t.Source, TableStatus: t.Status}
	e, ok := t.Entry(r.Key)
	if !ok {
		return res, geo.BadInput("key", "防护距离表中没有 %q；可选：%s", r.Key, strings.Join(t.Keys(), "、"))
	}
	d, ok := e.Cases[r.Case]
	if !ok {
		return res, geo.BadInput("case", "%s 没有情形 %q；可选：%s", e.Name, r.Case, strings.Join(e.CaseKeys(), "、"))
	}
	if !(r.Source[0] >= -180 && r.Source[0] <= 180 && r.Source[1] >= -90 && r.Source[1] <= 90) {
		return res, geo.BadInput("source", "泄漏点 %v 不是 WGS 84 经纬度", r.Source)
	}
	if r.Time.IsZero() {
		return res, geo.BadInput("time", "须填写时间（白天或夜间由太阳高度决定）")
	}
	if !r.VariableWind {
		if err := r.WindFromDeg.Validate(); err != nil {
			return res, err
		}
	}
	res.Entry = e
	if !e.Verified {
		res.Warnings = append(res.Warnings, "防护距离表中“"+e.Name+"”的数值尚未与印刷版原文核对")
	}
	pos := sun.At(r.Source[0], r.Source[1], r.Time)
	res.Day, res.SolarElevationDeg = pos.IsDay(), pos.ElevationDeg

	level := 1
	if d.IsolationM > 0 {
		p, err := geo.Circle(r.Source, d.IsolationM, 0)
		if err != nil {
			return res, err
		}
		res.Zones = append(res.Zones, geo.Zone{Level: level, Name: "初始隔离区",
			Threshold: d.IsolationM, ThresholdUnit: "m", ExtentM: d.IsolationM, Polygon: p})
		level++
	}
	dist := d.ProtectiveNightM
	when := "夜间"
	if res.Day {
		dist, when = d.ProtectiveDayM, "白天"
	}
	if dist > 0 {
		z := geo.Zone{Level: level, Name: "防护行动区（" + when + "）",
			Threshold: dist, ThresholdUnit: "m"}
		var err error
		if d.Omnidirectional || r.VariableWind {
			z.Polygon, err = geo.Circle(r.Source, dist, 0)
			z.ExtentM = dist
			z.Note = "四周各方向"
			if r.VariableWind && !d.Omnidirectional {
				z.Note = "风向不定或静风，按四周各方向划定"
			}
		} else {
			z.Polygon, z.ExtentM, err = downwindSquare(r.Source, r.WindFromDeg, dist)
		}
		if err != nil {
			return res, err
		}
		res.Zones = append(res.Zones, z)
	}
	return res, nil
}

// downwindSquare is the ERG protective action zone: an L×L square, upwind
// side through the source, centred on the downwind axis. Extra vertices
// along each side keep the geodesic placement faithful over kilometres.
func downwindSquare(src orb.Point, w geo.WindFrom, l float64) (orb.Polygon, float64, error) {
	const n = 8 // segments per side
	var pts []geo.Offset
	corners := [][2]float64{{0, -l / 2}, {l, -l / 2}, {l, l / 2}, {0, l / 2}}
	for i := range corners {
		a, b := corners[i], corners[(i+1)%4]
		for k := range n {
			f := float64(k) / n
			pts = append(pts, w.Along(a[0]+(b[0]-a[0])*f, a[1]+(b[1]-a[1])*f))
		}
	}
	p, err := geo.PolygonFromLocal(src, pts)
	return p, l * 1.118033988749895, err // farthest corner: √(1 + ¼)·L
}
