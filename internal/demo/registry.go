package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/geo"
	"sitrep/internal/areas"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/internal/registry"

	"github.com/paulmach/orb"
)

// Residents is the county's 2020 census population, which the synthetic
// population cells add up to.
const Residents = 73590

// Suffix marks every synthetic name as demo data.
const Suffix = "〔演示〕"

// seat is a township seat: approximate positions (synthetic placement, not
// surveyed), each checked against the real county boundary when loading.
type seat struct {
	code     string
	lon, lat float64
	people   int // synthetic share of the census total
}

var seats = []seat{
	{"650121102", 87.410, 43.474, 14000}, // 板房沟镇, the county seat
	{"650121100", 87.405, 43.575, 16000}, // 水西沟镇
	{"650121103", 87.250, 43.590, 11000}, // 永丰镇
	{"650121213", 87.530, 43.640, 8000},  // 托里乡
	{"650121207", 87.090, 43.560, 6500},  // 萨尔达坂乡
	{"650121208", 87.660, 43.420, 6000},  // 甘沟乡
	{"650121001", 87.470, 43.700, 6590},  // 清水泉片区
	{"650121002", 87.560, 43.560, 5500},  // 谢家沟片区
}

// loadRegistry adds the synthetic registry layers in one transaction.
// Every feature has a code ("demo-…"); a code already present is left as it
// is, so loading again changes nothing. The random numbers are seeded, so
// every load places the same things in the same places.
func loadRegistry(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := journal.Write(ctx, pool, Actor, func(tx pgx.Tx) ([]journal.Change, error) {
		d := &demoLoader{ctx: ctx, tx: tx, rng: rand.New(rand.NewPCG(650121, 2020))}
		if err := d.placeSeats(); err != nil {
			return nil, err
		}
		steps := []func() error{d.population, d.hazardSources, d.sites, d.shelters, d.teams, d.depots, d.medical, d.experts, d.instruments, d.closures}
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, err
			}
		}
		if len(d.changes) == 0 {
			// Everything was there already. journal.Write wants a change,
			// so record the (no-op) load itself, unpublished.
			d.changes = append(d.changes, journal.Change{Entity: "demo", EntityID: "registry", Action: "reload"})
		}
		return d.changes, nil
	})
	return err
}

type demoLoader struct {
	ctx     context.Context
	tx      pgx.Tx
	rng     *rand.Rand
	changes []journal.Change
}

// placeSeats moves any seat that falls outside the county to the nearest
// point of the county (the guessed positions are approximate).
func (d *demoLoader) placeSeats() error {
	for i, s := range seats {
		var lon, lat float64
		err := d.tx.QueryRow(d.ctx, `SELECT ST_X(p), ST_Y(p) FROM (
			SELECT CASE WHEN ST_Intersects(a.geom, pt) THEN pt ELSE ST_ClosestPoint(a.geom, pt) END AS p
			FROM admin_areas a, ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt WHERE a.is_county) x`, s.lon, s.lat).Scan(&lon, &lat)
		if err != nil {
			return fmt.Errorf("place %s: %w", s.code, err)
		}
		if !math.IsNaN(lon) && lon != 0 {
			seats[i].lon, seats[i].lat = lon, lat
		}
	}
	return nil
}

// near returns a seeded point distM–2·distM from a seat, inside the county.
func (d *demoLoader) near(s seat, distM float64) (orb.Point, error) {
	for try := 0; try < 30; try++ {
		p := geo.Destination(orb.Point{s.lon, s.lat}, d.rng.Float64()*360, distM*(1+d.rng.Float64()))
		var inside bool
		if err := d.tx.QueryRow(d.ctx, `SELECT EXISTS (SELECT 1 FROM admin_areas WHERE is_county
			AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)))`, p[0], p[1]).Scan(&inside); err != nil {
			return orb.Point{}, err
		}
		if inside {
			return p, nil
		}
	}
	return orb.Point{s.lon, s.lat}, nil
}

func pointGeom(p orb.Point) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []float64{p[0], p[1]}}
}

// add creates one synthetic feature unless its code is already stored.
func (d *demoLoader) add(l *registry.Layer, code string, geom any, props map[string]any) error {
	var exists bool
	if err := d.tx.QueryRow(d.ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{l.Table}.Sanitize()+" WHERE code = $1)", code).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	props["code"] = code
	props["synthetic"] = true
	return d.create(l, geom, props)
}

// create stores one feature through the layer's own checks and write.
func (d *demoLoader) create(l *registry.Layer, geom any, props map[string]any) error {
	raw, err := json.Marshal(map[string]any{"type": "Feature", "geometry": geom, "properties": props})
	if err != nil {
		return err
	}
	in, err := l.Decode(raw)
	if err != nil {
		return fmt.Errorf("demo %s %v: %w", l.Name, props["name"], err)
	}
	w, err := l.Create(d.ctx, d.tx, Actor, in)
	if err != nil {
		return fmt.Errorf("demo %s %v: %w", l.Name, props["name"], err)
	}
	d.changes = append(d.changes, w.Changes...)
	return nil
}

func layer(name string) *registry.Layer {
	l, ok := layers.ByName(name)
	if !ok {
		panic("demo: no layer " + name)
	}
	return l
}

// population spreads each township's people over 1 km cells within 3 km of
// its seat, weighted by exp(-distance/900 m), to whole people by largest
// remainder so the county adds up to Residents exactly. Cells whose centre is
// outside the county are skipped before the split.
func (d *demoLoader) population() error {
	const cellM = 1000.0
	for _, s := range seats {
		type cell struct {
			c      orb.Point
			w      float64
			people int
			frac   float64
		}
		var cells []cell
		total := 0.0
		for i := -3; i <= 3; i++ {
			for j := -3; j <= 3; j++ {
				dist := math.Hypot(float64(i), float64(j)) * cellM
				if dist > 3000 {
					continue
				}
				c := geo.ToLonLat(orb.Point{s.lon, s.lat}, geo.Offset{East: float64(i) * cellM, North: float64(j) * cellM})
				var inside bool
				if err := d.tx.QueryRow(d.ctx, `SELECT EXISTS (SELECT 1 FROM admin_areas WHERE is_county
					AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)))`, c[0], c[1]).Scan(&inside); err != nil {
					return err
				}
				if !inside {
					continue
				}
				w := math.Exp(-dist / 900)
				cells = append(cells, cell{c: c, w: w})
				total += w
			}
		}
		given := 0
		for k := range cells {
			exact := float64(s.people) * cells[k].w / total
			cells[k].people = int(exact)
			cells[k].frac = exact - float64(cells[k].people)
			given += cells[k].people
		}
		order := make([]int, len(cells))
		for k := range order {
			order[k] = k
		}
		sort.SliceStable(order, func(a, b int) bool { return cells[order[a]].frac > cells[order[b]].frac })
		for k := 0; given < s.people; k++ {
			cells[order[k%len(order)]].people++
			given++
		}
		for k, c := range cells {
			ring := orb.Ring{}
			for _, o := range []geo.Offset{{East: -cellM / 2, North: -cellM / 2}, {East: cellM / 2, North: -cellM / 2}, {East: cellM / 2, North: cellM / 2}, {East: -cellM / 2, North: cellM / 2}, {East: -cellM / 2, North: -cellM / 2}} {
				ring = append(ring, geo.ToLonLat(c.c, o))
			}
			coords := make([][]float64, len(ring))
			for i, p := range ring {
				coords[i] = []float64{p[0], p[1]}
			}
			geom := map[string]any{"type": "Polygon", "coordinates": [][][]float64{coords}}
			err := d.add(layer("population_cells"), fmt.Sprintf("demo-pop-%s-%02d", s.code, k), geom, map[string]any{
				"night_people": c.people, "day_people": int(float64(c.people) * 0.85), "township_code": s.code,
				"source": "虚构：按 2020 年人口普查总数（73,590 人）分布在各乡镇驻地周围" + Suffix,
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func seatOf(code string) seat {
	for _, s := range seats {
		if s.code == code {
			return s
		}
	}
	panic("demo: no seat " + code)
}

type inv = map[string]any

func chem(name string, tonnes float64, classes ...string) inv {
	l := inv{"chemical": name, "max_tonnes": tonnes}
	if len(classes) > 0 {
		l["hazard_classes"] = classes
	}
	return l
}

func (d *demoLoader) hazardSources() error {
	list := []struct {
		code, township, enterprise, name string
		distM                            float64
		inventory                        []inv
	}{
		{"demo-hs-01", "650121102", "县城供水厂", "液氯加药间", 700, []inv{chem("液氯", 8)}},
		{"demo-hs-02", "650121102", "板房沟液化气储配站", "LPG 储罐区", 1200, []inv{chem("液化石油气", 60)}},
		{"demo-hs-03", "650121100", "水西沟加油站", "油罐区", 900, []inv{chem("汽油", 120, "W5.3"), chem("柴油", 150)}},
		{"demo-hs-04", "650121100", "南山冷链物流园", "液氨制冷机房", 1500, []inv{chem("液氨", 18)}},
		{"demo-hs-05", "650121103", "永丰天然气加气站", "CNG 储气井组", 800, []inv{chem("天然气", 30)}},
		{"demo-hs-06", "650121103", "永丰液化气供应站", "LPG 钢瓶库", 1000, []inv{chem("液化石油气", 45)}},
		{"demo-hs-07", "650121207", "新疆兴陶大北矿业", "民爆器材库", 3000, []inv{chem("乳化炸药", 12, "W1.1"), chem("硝酸铵(含可燃物≤0.2%)", 40)}},
		{"demo-hs-08", "650121208", "甘沟石料矿", "炸药库", 2500, []inv{chem("乳化炸药", 3, "W1.1")}},
		{"demo-hs-09", "650121213", "西部石油管道乌鲁木齐作业区", "输油泵站罐区", 2000, []inv{chem("原油", 8000, "W5.3")}},
		{"demo-hs-10", "650121001", "清水泉加油站", "油罐区", 600, []inv{chem("汽油", 90, "W5.3"), chem("柴油", 100)}},
		{"demo-hs-11", "650121002", "谢家沟水厂", "消毒剂库", 900, []inv{chem("液氯", 4)}},
		{"demo-hs-12", "650121102", "县城热力公司", "天然气调压站", 1600, []inv{chem("天然气", 12)}},
	}
	people := []string{"王", "李", "张", "刘", "陈", "马", "阿不都", "古丽"}
	for i, h := range list {
		p, err := d.near(seatOf(h.township), h.distM)
		if err != nil {
			return err
		}
		err = d.add(layers.HazardSources, h.code, pointGeom(p), map[string]any{
			"name": h.name + Suffix, "enterprise": h.enterprise + Suffix, "township_code": h.township,
			"address":            areas.TownshipName(h.township) + Suffix,
			"filing_status":      []string{"filed", "monitored", "registered"}[i%3],
			"responsible_person": people[i%len(people)] + "某" + Suffix, "responsible_phone": fmt.Sprintf("0991-59%05d", 10000+i*137),
			"last_inspection": fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+(i*7)%28), "inventory": h.inventory,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *demoLoader) sites() error {
	kinds := []struct {
		kind, name string
		distM      float64
	}{
		{"school", "中心学校", 400}, {"hospital", "卫生院", 300}, {"residential", "村", 1500},
		{"crowded_place", "集贸市场", 250}, {"drinking_water_source", "水源地", 2500}, {"station", "客运站", 350},
	}
	for _, s := range seats {
		for j, k := range kinds {
			if k.kind == "drinking_water_source" && j%2 == 1 {
				continue
			}
			p, err := d.near(s, k.distM)
			if err != nil {
				return err
			}
			err = d.add(layer("sensitive_sites"), fmt.Sprintf("demo-site-%s-%s", s.code, k.kind), pointGeom(p), map[string]any{
				"name": areas.TownshipName(s.code) + k.name + Suffix, "kind": k.kind, "township_code": s.code,
				"people": 50 + d.rng.IntN(800),
			})
			if err != nil {
				return err
			}
		}
	}
	for i, x := range []struct{ kind, name, township string }{
		{"reservoir", "乌拉泊水库(示意)", "650121001"}, {"power_station", "南山变电站", "650121100"}, {"other_important", "南山景区游客中心", "650121100"},
	} {
		p, err := d.near(seatOf(x.township), 4000)
		if err != nil {
			return err
		}
		if err := d.add(layer("sensitive_sites"), fmt.Sprintf("demo-site-extra-%d", i), pointGeom(p), map[string]any{
			"name": x.name + Suffix, "kind": x.kind, "township_code": x.township}); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoLoader) shelters() error {
	for i, s := range seats {
		for j, c := range []string{"emergency", "long_term"} {
			if j == 1 && i%2 == 1 {
				continue
			}
			p, err := d.near(s, 500)
			if err != nil {
				return err
			}
			capacity := 800 + d.rng.IntN(20)*100
			name := []string{"学校操场避难场所", "文化广场避难场所"}[j]
			if err := d.add(layer("shelters"), fmt.Sprintf("demo-shelter-%s-%d", s.code, j), pointGeom(p), map[string]any{
				"name": areas.TownshipName(s.code) + name + Suffix, "class": c, "capacity": capacity,
				"area_m2": float64(capacity) * 2.5, "status": "open", "occupancy": 0,
				"facilities": []string{"供水", "供电", "厕所", "照明"}[:2+j*2], "township_code": s.code,
				"contact_phone": fmt.Sprintf("0991-58%05d", 20000+i*31+j)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *demoLoader) teams() error {
	list := []struct {
		code, township, name, kind, org string
		caps                            []string
		headcount                       int
	}{
		{"demo-team-fire", "650121102", "乌鲁木齐县消防救援大队", "fire_rescue", "乌鲁木齐县消防救援大队", []string{"fire", "hazmat", "rope_rescue", "confined_space"}, 45},
		{"demo-team-wuyu", "650121100", "乌尉高速项目应急救援队", "enterprise", "乌尉高速项目", []string{"road", "tunnel", "heavy_lifting"}, 30},
		{"demo-team-s103", "650121103", "S103省道项目应急救援队", "enterprise", "S103省道项目", []string{"road", "earthmoving"}, 20},
		{"demo-team-daibei", "650121207", "新疆兴陶大北矿业矿山救护队", "mine_rescue", "新疆兴陶大北矿业", []string{"mine_rescue", "breathing_apparatus", "explosives"}, 25},
		{"demo-team-pipeline", "650121213", "西部石油管道乌鲁木齐作业区抢修队", "enterprise", "西部石油管道乌鲁木齐作业区", []string{"pipeline", "oil_spill", "fire"}, 18},
		{"demo-team-120", "650121102", "县急救中心医疗队", "medical", "乌鲁木齐县人民医院", []string{"first_aid", "triage"}, 12},
		{"demo-team-volunteer", "650121100", "南山志愿救援队", "volunteer", "县应急志愿者协会", []string{"search", "mountain"}, 40},
	}
	for i, t := range list {
		p, err := d.near(seatOf(t.township), 600)
		if err != nil {
			return err
		}
		if err := d.add(layer("rescue_teams"), t.code, pointGeom(p), map[string]any{
			"name": t.name + Suffix, "kind": t.kind, "organisation": t.org + Suffix, "capabilities": t.caps,
			"headcount": t.headcount, "status": "available",
			"equipment":      []inv{{"item": "救援车辆", "quantity": 2 + i%3, "unit": "辆"}, {"item": "空气呼吸器", "quantity": 10 + i, "unit": "套"}},
			"contact_person": "值班员" + Suffix, "contact_phone": fmt.Sprintf("0991-57%05d", 30000+i*17),
		}); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoLoader) depots() error {
	for i, code := range []string{"650121102", "650121100", "650121103", "650121207"} {
		p, err := d.near(seatOf(code), 800)
		if err != nil {
			return err
		}
		if err := d.add(layer("supply_depots"), fmt.Sprintf("demo-depot-%d", i), pointGeom(p), map[string]any{
			"name": areas.TownshipName(code) + "应急物资储备点" + Suffix, "operator": "乌鲁木齐县应急管理局" + Suffix,
			"stock": []inv{
				{"item": "帐篷", "unit": "顶", "quantity": 50 + 10*i}, {"item": "棉被", "unit": "床", "quantity": 300 + 50*i},
				{"item": "防毒面具", "unit": "个", "quantity": 100}, {"item": "吸油毡", "unit": "kg", "quantity": 500},
				{"item": "沙袋", "unit": "个", "quantity": 2000},
			},
		}); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoLoader) medical() error {
	p, err := d.near(seatOf("650121102"), 300)
	if err != nil {
		return err
	}
	if err := d.add(layer("medical_facilities"), "demo-med-county", pointGeom(p), map[string]any{
		"name": "乌鲁木齐县人民医院" + Suffix, "kind": "hospital", "beds": 200, "ambulances": 6,
		"specialties": []string{"trauma", "burns", "poisoning"}}); err != nil {
		return err
	}
	for i, s := range seats[1:] {
		p, err := d.near(s, 200)
		if err != nil {
			return err
		}
		if err := d.add(layer("medical_facilities"), "demo-med-"+s.code, pointGeom(p), map[string]any{
			"name": areas.TownshipName(s.code) + "卫生院" + Suffix, "kind": "township_health_centre",
			"beds": 20 + i*5, "ambulances": 1}); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoLoader) experts() error {
	list := []struct{ field, title string }{
		{"hazardous_chemicals", "高级工程师"}, {"mining", "采矿工程师"}, {"fire", "消防工程师"},
		{"medical", "主任医师"}, {"geology", "地质工程师"}, {"environment", "环境监测工程师"},
	}
	for i, x := range list {
		p, err := d.near(seats[i%3], 500)
		if err != nil {
			return err
		}
		if err := d.add(layer("experts"), fmt.Sprintf("demo-expert-%d", i), pointGeom(p), map[string]any{
			"name": fmt.Sprintf("专家%d号", i+1) + Suffix, "field": x.field, "title": x.title,
			"employer": "县应急专家库" + Suffix, "contact_phone": fmt.Sprintf("139%08d", 10000000+i*7919)}); err != nil {
			return err
		}
	}
	return nil
}
