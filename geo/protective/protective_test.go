package protective

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
)

var (
	county  = orb.Point{87.4, 43.5}
	beijing = time.FixedZone("CST", 8*3600)
)

func table(t *testing.T) *Table {
	t.Helper()
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestDefaultTable(t *testing.T) {
	tb := table(t)
	for _, k := range []string{"chlorine", "ammonia", "hydrogen-sulfide", "flammable-gas", "flammable-liquid", "explosives-1.1"} {
		if _, ok := tb.Entry(k); !ok {
			t.Errorf("missing %s", k)
		}
	}
	if len(tb.Keys()) != len(tb.Entries) || tb.Source == "" || tb.Status == "" {
		t.Error("table metadata")
	}
	// ERG guide 115 values as published
	fg, _ := tb.Entry("flammable-gas")
	if fg.Cases["small"].IsolationM != 100 || fg.Cases["large"].ProtectiveDayM != 800 || fg.Cases["fire"].IsolationM != 1600 {
		t.Errorf("guide 115 distances: %+v", fg.Cases)
	}
}

// Day or night is decided by the sun at the source: 09:00 Beijing time in
// December is before sunrise in the county, so the night distance applies
// although the clock says morning; 09:00 in June is day.
func TestDayNightBySun(t *testing.T) {
	tb := table(t)
	req := Request{Key: "chlorine", Case: "small", Source: county, WindFromDeg: 270,
		Time: time.Date(2025, 12, 21, 9, 0, 0, 0, beijing)}
	res, err := tb.Zones(req)
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := tb.Entry("chlorine")
	if res.Day || res.Zones[1].Threshold != cl.Cases["small"].ProtectiveNightM {
		t.Errorf("Dec 09:00: day=%v elev=%.1f zone %+v", res.Day, res.SolarElevationDeg, res.Zones[1].Name)
	}
	req.Time = time.Date(2025, 6, 21, 9, 0, 0, 0, beijing)
	res, _ = tb.Zones(req)
	if !res.Day || res.Zones[1].Threshold != cl.Cases["small"].ProtectiveDayM {
		t.Errorf("Jun 09:00: day=%v zone %+v", res.Day, res.Zones[1].Name)
	}
	if len(res.Warnings) == 0 {
		t.Error("unverified entry not flagged")
	}
}

func TestZonesValidAndDownwind(t *testing.T) {
	tb := table(t)
	night := time.Date(2025, 12, 21, 2, 0, 0, 0, beijing)
	for _, c := range []struct {
		from      geo.WindFrom
		brg       float64                // expected bearing of the square's far centre
		checkSide func(v orb.Point) bool // every vertex on the downwind side
	}{
		{from: 270, brg: 90, checkSide: func(v orb.Point) bool { return v[0] >= county[0]-1e-9 }},  // plume east
		{from: 0, brg: 180, checkSide: func(v orb.Point) bool { return v[1] <= county[1]+1e-9 }},   // plume south
		{from: 360, brg: 180, checkSide: func(v orb.Point) bool { return v[1] <= county[1]+1e-9 }}, // plume south
		{from: 90, brg: 270, checkSide: func(v orb.Point) bool { return v[0] <= county[0]+1e-9 }},  // plume west
	} {
		res, err := tb.Zones(Request{Key: "chlorine", Case: "large", Source: county, Time: night, WindFromDeg: c.from})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Zones) != 2 {
			t.Fatalf("%d zones", len(res.Zones))
		}
		iso, pa := res.Zones[0], res.Zones[1]
		for _, z := range res.Zones {
			if err := geo.ValidatePolygon(z.Polygon); err != nil {
				t.Fatalf("%s: %v", z.Name, err)
			}
		}
		if iso.Level != 1 || pa.Level != 2 || !strings.Contains(pa.Name, "夜间") {
			t.Errorf("levels/names: %+v %+v", iso.Name, pa.Name)
		}
		L := pa.Threshold
		for _, v := range pa.Polygon[0] {
			if !c.checkSide(v) {
				t.Fatalf("wind from %v: vertex %v on the upwind side", c.from, v)
			}
		}
		// the middle of the far side is L downwind on bearing from+180
		far := geo.ToLonLat(county, c.from.Along(L, 0))
		d, b, _ := geo.Inverse(county, far)
		if math.Abs(d-L) > 1e-6 || math.Abs(math.Remainder(b-c.brg, 360)) > 1e-6 {
			t.Errorf("wind from %v: far centre at %.1f m, %.3f°", c.from, d, b)
		}
		// corners at √(L² + (L/2)²)
		var maxD float64
		for _, v := range pa.Polygon[0] {
			maxD = math.Max(maxD, geo.Distance(county, v))
		}
		if math.Abs(maxD-pa.ExtentM) > 1e-3*L {
			t.Errorf("extent %.1f, farthest vertex %.1f", pa.ExtentM, maxD)
		}
	}
}

func TestOmnidirectionalAndVariableWind(t *testing.T) {
	tb := table(t)
	tm := time.Date(2025, 6, 21, 12, 0, 0, 0, beijing)
	res, err := tb.Zones(Request{Key: "explosives-1.1", Case: "large", Source: county, Time: tm, WindFromDeg: 90})
	if err != nil {
		t.Fatal(err)
	}
	pa := res.Zones[1]
	for _, v := range pa.Polygon[0] {
		if d := geo.Distance(county, v); math.Abs(d-800) > 1e-3 {
			t.Fatalf("omnidirectional zone vertex at %.3f m", d)
		}
	}
	res, err = tb.Zones(Request{Key: "chlorine", Case: "small", Source: county, Time: tm, VariableWind: true, WindFromDeg: -5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Zones[1].Note == "" || geo.ValidatePolygon(res.Zones[1].Polygon) != nil {
		t.Errorf("variable wind zone: %+v", res.Zones[1].Note)
	}
	res, err = tb.Zones(Request{Key: "flammable-gas", Case: "fire", Source: county, Time: tm, WindFromDeg: 10})
	if err != nil || len(res.Zones) != 1 || res.Zones[0].ExtentM != 1600 {
		t.Errorf("fire case: %v %+v", err, res.Zones)
	}
}

func TestErrorsAndLoad(t *testing.T) {
	tb := table(t)
	tm := time.Date(2025, 6, 21, 12, 0, 0, 0, beijing)
	for _, r := range []Request{
		{Key: "nope", Case: "small", Source: county, Time: tm},
		{Key: "chlorine", Case: "medium", Source: county, Time: tm},
		{Key: "chlorine", Case: "small", Source: county},
		{Key: "chlorine", Case: "small", Source: county, Time: tm, WindFromDeg: 361},
		{Key: "chlorine", Case: "small", Source: orb.Point{0, 91}, Time: tm},
	} {
		if _, err := tb.Zones(r); err == nil {
			t.Errorf("accepted %+v", r)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "county.json")
	edited := strings.Replace(string(DefaultJSON()), `"isolationM": 60,`, `"isolationM": 150,`, 1)
	if err := os.WriteFile(p, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	tb2, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cl, _ := tb2.Entry("chlorine"); cl.Cases["small"].IsolationM != 150 {
		t.Errorf("edited table not used: %+v", cl.Cases["small"])
	}
	for name, bad := range map[string]string{
		"empty":     `{"entries": []}`,
		"dup":       `{"entries": [{"key":"a","cases":{"s":{"isolationM":1}}},{"key":"a","cases":{"s":{"isolationM":1}}}]}`,
		"negative":  `{"entries": [{"key":"a","cases":{"s":{"isolationM":-1}}}]}`,
		"day only":  `{"entries": [{"key":"a","cases":{"s":{"isolationM":1,"protectiveDayM":5}}}]}`,
		"nothing":   `{"entries": [{"key":"a","cases":{"s":{}}}]}`,
		"no key":    `{"entries": [{"cases":{"s":{"isolationM":1}}}]}`,
		"not json":  `{`,
		"no cases":  `{"entries": [{"key":"a"}]}`,
		"too large": `{"entries": [{"key":"a","cases":{"s":{"isolationM":1e9}}}]}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}
