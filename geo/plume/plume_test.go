package plume

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/geo/sun"
)

var (
	county  = orb.Point{87.4, 43.5}
	beijing = time.FixedZone("CST", 8*3600)
)

func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// Briggs (1973) σy, σz at x = 1000 m, hand-computed from the formulas as
// tabulated by Briggs/Seinfeld & Pandis/CCPS (see Sigmas), e.g. rural D:
// σy = 0.08·1000/√1.1 = 76.277 m, σz = 0.06·1000/√2.5 = 37.947 m.
func TestBriggsSigmasAt1km(t *testing.T) {
	cases := []struct {
		c      Class
		t      Terrain
		sy, sz float64
	}{
		{A, Rural, 209.762, 200},
		{B, Rural, 152.554, 120},
		{C, Rural, 104.881, 73.030},
		{D, Rural, 76.277, 37.947},
		{E, Rural, 57.2078, 23.0769},
		{F, Rural, 38.1385, 12.3077},
		{A, Urban, 270.449, 339.411},
		{B, Urban, 270.449, 339.411},
		{C, Urban, 185.934, 200},
		{D, Urban, 135.225, 122.788},
		{E, Urban, 92.967, 50.596},
		{F, Urban, 92.967, 50.596},
	}
	for _, c := range cases {
		sy, sz, err := Sigmas(c.c, c.t, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if !near(sy, c.sy, 1e-5) || !near(sz, c.sz, 1e-5) {
			t.Errorf("%s %s: σy=%.3f σz=%.3f, want %.3f %.3f", c.t, c.c, sy, sz, c.sy, c.sz)
		}
	}
	if _, _, err := Sigmas("G", Rural, 100); err == nil {
		t.Error("class G accepted")
	}
	if _, _, err := Sigmas(D, "suburban", 100); err == nil {
		t.Error("unknown terrain accepted")
	}
	if _, _, err := Sigmas(D, Rural, 0); err == nil {
		t.Error("x = 0 accepted")
	}
}

// Turner (1970), Workbook of Atmospheric Dispersion Estimates, worked
// problem: a burning dump emits 3 g/s of NOx; overcast night, u = 7 m/s,
// ground-level source, receptor 3 km directly downwind. Turner reads
// σy = 190 m, σz = 65 m (class D) from the P-G charts and gets
// χ = 3/(π·7·190·65) = 1.1e-5 g/m³ (his answer is rounded to 2 digits).
func TestTurnerWorkbookBurningDump(t *testing.T) {
	got := GroundConcentration(3, 7, 190, 65, 0, 0)
	if !near(got, 1.1e-5, 0.01) {
		t.Errorf("χ = %.4g g/m³, Turner gives 1.1e-5", got)
	}
	// Same problem with Briggs rural D instead of the charts (hand
	// computation): σy = 240/√1.3 = 210.494 m, σz = 180/√5.5 = 76.752 m,
	// χ = 3/(π·7·210.494·76.752) = 8.444e-6 g/m³.
	sy, sz, _ := Sigmas(D, Rural, 3000)
	if got := GroundConcentration(3, 7, sy, sz, 0, 0); !near(got, 8.444e-6, 0.001) {
		t.Errorf("Briggs χ = %.5g g/m³, want 8.444e-6", got)
	}
	// Off-axis and elevated source factors.
	c0 := GroundConcentration(1, 1, 10, 5, 0, 0)
	if got := GroundConcentration(1, 1, 10, 5, 10, 0); !near(got, c0*math.Exp(-0.5), 1e-12) {
		t.Error("off-axis factor wrong")
	}
	if got := GroundConcentration(1, 1, 10, 5, 0, 5); !near(got, c0*math.Exp(-0.5), 1e-12) {
		t.Error("source-height factor wrong")
	}
}

func TestPPM(t *testing.T) {
	// chlorine AEGL-2 2 ppm = 2·70.90/24.45 = 5.800 mg/m³
	if got := PPMToMgM3(2, 70.90); !near(got, 5.7996, 1e-4) {
		t.Errorf("2 ppm Cl2 = %v mg/m3", got)
	}
	if got := MgM3ToPPM(PPMToMgM3(7, 17.03), 17.03); !near(got, 7, 1e-12) {
		t.Error("ppm round trip")
	}
}

func TestTurnerClassTable(t *testing.T) {
	cases := []struct {
		name                  string
		night                 bool
		elev, oktas, ceilingM float64
		wind                  float64
		want                  Class
	}{
		{"clear night, light wind", true, -20, 1, 9000, 1.5, F},
		{"half-cloudy night, light wind", true, -20, 4, 9000, 1.5, F},
		{"clear night, 4 m/s", true, -20, 0, 9000, 4, E}, // 7.8 kt → 8 kt row, NRI −2 → 5
		{"overcast low ceiling night", true, -20, 8, 1000, 1.5, D},
		{"overcast low ceiling day", false, 70, 8, 1000, 1.5, D},
		{"summer noon, clear, 2 m/s", false, 70, 0, 9000, 2, A},
		{"summer noon, clear, 6 m/s", false, 70, 0, 9000, 6, C},
		{"winter noon, clear, 3 m/s", false, 23, 0, 9000, 3, C},
		{"low sun, clear, calm", false, 10, 0, 9000, 0.5, C},
		{"summer noon, 6/8 cloud at 1500 m, 2 m/s", false, 70, 6, 1500, 2, C}, // IC 4−2 = 2; 3.9 kt → 4–5 kt row
		{"strong wind any time", true, -20, 0, 9000, 10, D},
	}
	for _, c := range cases {
		nri := NetRadiationIndex(c.night, c.elev, c.oktas, c.ceilingM)
		if got := TurnerClass(c.wind, nri); got != c.want {
			t.Errorf("%s: class %s (NRI %d), want %s", c.name, got, nri, c.want)
		}
	}
}

// Day/night for stability comes from the sun at the place, not the clock:
// in December the sun rises in the county after 09:30 Beijing time, and
// Turner counts the first hour after sunrise as night.
func TestStabilityUsesSun(t *testing.T) {
	w := StabilityInputs{WindSpeedMS: 1.5, CloudOktas: 0, CeilingM: 0}
	dec := time.Date(2025, 12, 21, 0, 0, 0, 0, beijing)
	var sunrise time.Time
	for m := 6 * 60; m < 12*60; m++ {
		tt := dec.Add(time.Duration(m) * time.Minute)
		if sun.IsDay(county[0], county[1], tt) {
			sunrise = tt
			break
		}
	}
	if sunrise.Hour() < 9 {
		t.Fatalf("December sunrise at %s Beijing?", sunrise.Format("15:04"))
	}
	r, err := Stability(county[0], county[1], sunrise.Add(30*time.Minute), w)
	if err != nil {
		t.Fatal(err)
	}
	if !r.TurnerNight || r.Class != F {
		t.Errorf("30 min after sunrise: %+v, want Turner night and F", r)
	}
	r, _ = Stability(county[0], county[1], dec.Add(14*time.Hour+10*time.Minute), w)
	if r.TurnerNight || r.Class == F || r.Class == E {
		t.Errorf("winter solar noon: %+v, want daytime unstable class", r)
	}
	// Unknown ceiling keeps the more stable answer: overcast night → F
	// (high ceiling, NRI −1), not D (low ceiling, NRI 0).
	r, _ = Stability(county[0], county[1], dec.Add(2*time.Hour), StabilityInputs{WindSpeedMS: 1.5, CloudOktas: 8})
	if r.Class != F {
		t.Errorf("overcast night, unknown ceiling: %s, want F", r.Class)
	}
	if _, err := Stability(county[0], county[1], dec, StabilityInputs{WindSpeedMS: 2, CloudOktas: 9}); err == nil {
		t.Error("9 oktas accepted")
	}
}

func chlorineNight(windFrom geo.WindFrom) Inputs {
	cl := Substances["chlorine"]
	return Inputs{
		Source:          county,
		Time:            time.Date(2025, 12, 21, 2, 0, 0, 0, beijing),
		Substance:       "chlorine",
		MolecularWeight: cl.MolecularWeight,
		ReleaseRateGS:   100,
		Levels:          []LevelOfConcern{cl.Levels[2], cl.Levels[0], cl.Levels[1]}, // unsorted on purpose
		WindFromDeg:     windFrom,
		StabilityInputs: StabilityInputs{WindSpeedMS: 2, CloudOktas: 1},
		Terrain:         Rural,
	}
}

// toAxis returns (along, cross) of p in the plume frame of in.
func toAxis(t *testing.T, in Inputs, p orb.Point) (float64, float64) {
	d, brg, err := geo.Inverse(in.Source, p)
	if err != nil {
		t.Fatal(err)
	}
	a := (brg - in.WindFromDeg.Downwind()) * math.Pi / 180
	return d * math.Cos(a), -d * math.Sin(a)
}

// Every vertex of every zone (except the source point) must lie on the
// zone's own concentration isoline: this checks the half-width formula, the
// rotation by the wind and the projection to WGS 84 end to end.
func TestZonesLieOnIsolines(t *testing.T) {
	for _, wf := range []geo.WindFrom{270, 0, 360, 135} {
		in := chlorineNight(wf)
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stability.Class != F {
			t.Fatalf("clear December night at 2 m/s should be F, got %s", res.Stability.Class)
		}
		if len(res.Zones) != 3 {
			t.Fatalf("%d zones", len(res.Zones))
		}
		p := params{q: in.ReleaseRateGS * 1000, u: 2, class: F, terrain: Rural, maxX: DefaultMaxDistanceM}
		checked := 0
		defer func() {
			if checked < 300 {
				t.Errorf("only %d vertices checked", checked)
			}
		}()
		for _, z := range res.Zones {
			if err := geo.ValidatePolygon(z.Polygon); err != nil {
				t.Fatalf("wind %v %s: %v", wf, z.Name, err)
			}
			for _, v := range z.Polygon[0] {
				along, cross := toAxis(t, in, v)
				if along < 0.5 || along > p.maxX-1 { // the source vertex, a truncated end
					continue
				}
				sy, sz, _ := Sigmas(F, Rural, along)
				c := GroundConcentration(p.q, p.u, sy, sz, cross, 0)
				checked++
				if !near(c, z.Threshold, 1e-4) {
					t.Fatalf("wind %v %s: vertex at (%.1f, %.2f) has C=%.5g, LOC %.5g", wf, z.Name, along, cross, c, z.Threshold)
				}
			}
		}
	}
}

func TestZonesOrderedNestedAndDownwind(t *testing.T) {
	for _, from := range []geo.WindFrom{270, 90, 0, 360, 180, 45} {
		in := chlorineNight(from)
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		for i, z := range res.Zones {
			if z.Level != i+1 {
				t.Errorf("zone %d has level %d", i, z.Level)
			}
			if i > 0 {
				prev := res.Zones[i-1]
				if prev.Threshold <= z.Threshold || prev.ExtentM > z.ExtentM {
					t.Errorf("zones not most-severe-first: %s(%.3g, %.0f m) before %s(%.3g, %.0f m)",
						prev.Name, prev.Threshold, prev.ExtentM, z.Name, z.Threshold, z.ExtentM)
				}
				// nested: every vertex of the more severe zone is inside this
				// one (the shared source vertex is on both boundaries).
				for _, v := range prev.Polygon[0] {
					if v != county && !inRing(z.Polygon[0], v) {
						t.Errorf("wind %v: %s vertex %v outside %s", from, prev.Name, v, z.Name)
						break
					}
				}
			}
			// the farthest vertex lies downwind: its bearing from the source
			// is within 1° of wind-from + 180°.
			best, brg := -1.0, 0.0
			for _, v := range z.Polygon[0] {
				if d, b, _ := geo.Inverse(county, v); d > best {
					best, brg = d, b
				}
			}
			if diff := math.Abs(math.Remainder(brg-(float64(from)+180), 360)); diff > 1 {
				t.Errorf("wind from %v: zone %s reaches furthest on bearing %.1f°", from, z.Name, brg)
			}
		}
	}
	res, _ := Run(chlorineNight(270))
	if res.Zones[0].Name != "AEGL-3（60 分钟）" || res.Zones[2].Name != "AEGL-1（60 分钟）" {
		t.Errorf("zones %q, %q", res.Zones[0].Name, res.Zones[2].Name)
	}
	// west wind: the whole zone is east of the source; north wind: south.
	for _, v := range res.Zones[2].Polygon[0] {
		if v[0] < county[0]-1e-9 {
			t.Fatalf("west wind: vertex %v west of the source", v)
		}
	}
	res, _ = Run(chlorineNight(360))
	for _, v := range res.Zones[2].Polygon[0] {
		if v[1] > county[1]+1e-9 {
			t.Fatalf("north wind: vertex %v north of the source", v)
		}
	}
}

// inRing is a planar even-odd point-in-polygon test (adequate for the small
// zones and for a point strictly inside).
func inRing(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-2; i < len(r)-1; j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func TestElevatedSourceDetachedZone(t *testing.T) {
	in := chlorineNight(270)
	in.ReleaseHeightM = 40
	in.StabilityOverride = D
	in.WindSpeedMS = 5
	in.Levels = []LevelOfConcern{{Name: "test", Value: 0.5, Unit: "mg/m3"}}
	res, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	z := res.Zones[0]
	if z.Polygon == nil {
		t.Fatalf("no zone: %s", z.Note)
	}
	if err := geo.ValidatePolygon(z.Polygon); err != nil {
		t.Fatal(err)
	}
	if inRing(z.Polygon[0], county) {
		t.Error("an elevated release's ground zone should not contain the stack")
	}
	if res.Stability.Class != D {
		t.Errorf("override ignored: %s", res.Stability.Class)
	}
}

func TestTruncationAndNotReached(t *testing.T) {
	in := chlorineNight(270)
	in.MaxDistanceM = 2000
	res, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Zones[len(res.Zones)-1] // AEGL-1 reaches far beyond 2 km at night
	if last.Note == "" || math.Abs(last.ExtentM-2000) > 50 {
		t.Errorf("truncated zone: extent %.0f note %q", last.ExtentM, last.Note)
	}
	if err := geo.ValidatePolygon(last.Polygon); err != nil {
		t.Fatal(err)
	}
	in = chlorineNight(270)
	in.ReleaseRateGS = 1e-6
	in.Levels = []LevelOfConcern{{Name: "high", Value: 1000, Unit: "mg/m3"}}
	in.ReleaseHeightM = 50
	res, err = Run(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Zones[0].Polygon != nil || res.Zones[0].Note == "" {
		t.Errorf("unreached level should give no polygon and a note: %+v", res.Zones[0])
	}
}

func TestInputErrors(t *testing.T) {
	in := chlorineNight(270)
	in.WindSpeedMS = 0.5
	if _, err := Run(in); !errors.Is(err, ErrCalm) {
		t.Errorf("calm: %v", err)
	}
	mods := map[string]func(*Inputs){
		"no rate":    func(i *Inputs) { i.ReleaseRateGS = 0 },
		"no time":    func(i *Inputs) { i.Time = time.Time{} },
		"no levels":  func(i *Inputs) { i.Levels = nil },
		"bad wind":   func(i *Inputs) { i.WindFromDeg = 400 },
		"bad unit":   func(i *Inputs) { i.Levels = []LevelOfConcern{{Name: "x", Value: 1, Unit: "ppb"}} },
		"ppm no MW":  func(i *Inputs) { i.MolecularWeight = 0 },
		"terrain":    func(i *Inputs) { i.Terrain = "" },
		"class":      func(i *Inputs) { i.StabilityOverride = "G" },
		"far":        func(i *Inputs) { i.MaxDistanceM = 1e6 },
		"bad source": func(i *Inputs) { i.Source = orb.Point{200, 0} },
	}
	for name, m := range mods {
		in := chlorineNight(270)
		m(&in)
		if _, err := Run(in); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// A stored Inputs must reproduce the same zones.
func TestInputsReproduce(t *testing.T) {
	res, err := Run(chlorineNight(250))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Model != Model || back.Version != Version {
		t.Error("provenance lost")
	}
	again, err := Run(back.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Zones, res.Zones) {
		t.Error("zones differ after JSON round trip of the inputs")
	}
}

func BenchmarkRunChlorineThreeZones(b *testing.B) {
	in := chlorineNight(270)
	for b.Loop() {
		if _, err := Run(in); err != nil {
			b.Fatal(err)
		}
	}
}

// An input out of its physical range is refused, naming the input, before
// it can overflow into an infinite threshold no JSON can hold.
func TestInputsOutOfRangeNameTheInput(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*Inputs)
		input string
	}{
		{"huge molecular weight", func(in *Inputs) { in.MolecularWeight = 1e308 }, "molecularWeight"},
		{"huge level", func(in *Inputs) { in.Levels[1].Value = 1e308 }, "levels/1/value"},
		{"level in an unknown unit", func(in *Inputs) { in.Levels[0].Unit = "ppb" }, "levels/0/unit"},
		{"ppm without a molecular weight", func(in *Inputs) { in.MolecularWeight = 0 }, "molecularWeight"},
		{"release rate", func(in *Inputs) { in.ReleaseRateGS = -1 }, "releaseRateGS"},
		{"wind direction", func(in *Inputs) { in.WindFromDeg = 361 }, "windFromDeg"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := chlorineNight(270)
			c.edit(&in)
			_, err := Run(in)
			var ie *geo.InputError
			if !errors.As(err, &ie) || ie.Input != c.input {
				t.Fatalf("error %v, want one naming %s", err, c.input)
			}
		})
	}
}
