package public

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/routing"
)

// MaxRouting bounds the road routes computed at once for the public: each
// is a shortest-path search over the county's network, and the database
// is the command centre's too. A request finding every slot taken waits
// up to DefaultRouteWait, then is answered with the straight line and told
// the road route is busy — a 200, like every other way a route cannot be
// given, since nothing the reader sent was wrong.
const (
	MaxRouting       = 2
	DefaultRouteWait = 2 * time.Second
)

// How a route answer's road part came out (routeAnswer.Road).
const (
	roadRoute       = "route"       // the road route
	roadUnreachable = "unreachable" // no road leads there (as the network stands now)
	roadNoNetwork   = "no_network"  // no roads are loaded
	roadOffRoad     = "off_road"    // the reader or the shelter is too far from every road
	roadBusy        = "busy"        // every route slot was taken: try again
	roadUnavailable = "unavailable" // the route failed (the database away): try again
)

// routeAnswer is GET /public/route's answer.
type routeAnswer struct {
	Shelter int64 `json:"shelter"`
	// From is the reader's position rounded to the grid the answers are
	// shared on: the route starts there.
	From      orb.Point `json:"from"`
	To        orb.Point `json:"to"`
	StraightM float64   `json:"straight_m"`
	Road      string    `json:"road"`
	// Text says the outcome to the reader, in Chinese.
	Text    string   `json:"text"`
	Minutes *int     `json:"minutes"`
	KM      *float64 `json:"km"`
	// Route is the road route; null when none was searched for.
	Route *publicRoute `json:"route"`
}

// publicRoute is what the public sees of a routing.Route: the zones it
// met only when the page shows them (no drill's, no incident ids).
type publicRoute struct {
	Reachable bool            `json:"reachable"`
	Seconds   float64         `json:"seconds"`
	DistanceM float64         `json:"distance_m"`
	Geometry  json.RawMessage `json:"geometry"`
	FromSnapM float64         `json:"from_snap_m"`
	ToSnapM   float64         `json:"to_snap_m"`
	OffRoad   bool            `json:"off_road"`
	Zones     []publicZone    `json:"zones"`
}

// publicZone is a zone the page shows that the route met: entered, or
// kept out of.
type publicZone struct {
	Name    string `json:"name"`
	Level   int    `json:"level"`
	Entered bool   `json:"entered"`
}

// publicOf keeps of rt what the public may see; shown are the ids of the
// zones the page shows.
func publicOf(rt routing.Route, shown map[int64]bool) *publicRoute {
	p := &publicRoute{Reachable: rt.Reachable, Seconds: rt.Seconds, DistanceM: rt.DistanceM, Geometry: rt.Geometry,
		FromSnapM: rt.FromSnapM, ToSnapM: rt.ToSnapM, OffRoad: rt.OffRoad, Zones: []publicZone{}}
	for _, z := range rt.Zones {
		if shown[z.ID] {
			p.Zones = append(p.Zones, publicZone{Name: z.Name, Level: z.Level, Entered: z.Entered})
		}
	}
	return p
}

// zonesNote is what the card adds about the zones the route met: the
// ones it enters, else that it keeps out of some.
func zonesNote(zs []publicZone) string {
	var entered []string
	for _, z := range zs {
		if z.Entered {
			entered = append(entered, z.Name)
		}
	}
	switch {
	case len(entered) > 0:
		return "；路线经过危险区域（" + strings.Join(entered, "、") + "），请听从现场指挥"
	case len(zs) > 0:
		return "，已绕开危险区域"
	}
	return ""
}

// routeQuery is what a reader asks: from where, to which listed shelter.
type routeQuery struct {
	from    orb.Point
	shelter int64
}

// parseRouteQuery reads lon, lat and shelter, naming every bad one.
func parseRouteQuery(v url.Values) (routeQuery, error) {
	var (
		q    routeQuery
		errs []api.FieldError
	)
	for name := range v {
		if !slices.Contains([]string{"lon", "lat", "shelter"}, name) {
			errs = append(errs, api.FieldError{Field: name, Detail: "不接受此参数：只接受 lon、lat 和 shelter"})
		}
	}
	one := func(name string) (string, bool) {
		switch vs := v[name]; len(vs) {
		case 0:
			errs = append(errs, api.RequiredError(name))
			return "", false
		case 1:
			return vs[0], true
		}
		errs = append(errs, api.FieldError{Field: name, Detail: "只能给出一次"})
		return "", false
	}
	coordinate := func(name, what string, limit float64) float64 {
		s, ok := one(name)
		if !ok {
			return 0
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= -limit && f <= limit) {
			errs = append(errs, api.FieldError{Field: name,
				Detail: fmt.Sprintf("须为%s（WGS 84），-%g 到 %g 之间的数，收到 %s", what, limit, limit, quoted(s))})
		}
		return f
	}
	q.from = orb.Point{coordinate("lon", "经度", 180), coordinate("lat", "纬度", 90)}
	if s, ok := one("shelter"); ok {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			errs = append(errs, api.FieldError{Field: "shelter", Detail: "须为本页列出的避难场所的编号（正整数），收到 " + quoted(s)})
		}
		q.shelter = id
	}
	if len(errs) > 0 {
		return q, api.Invalid(errs...)
	}
	return q, nil
}

// quoted is a value a reader sent, quoted for a problem's detail, cut
// short when long: the detail names the value, it need not echo a page.
func quoted(s string) string {
	if r := []rune(s); len(r) > 32 {
		return strconv.Quote(string(r[:32])) + "…"
	}
	return strconv.Quote(s)
}

// ReachM is how far beyond the county's extent a reader may be and still
// ask for a road route: the county's roads and shelters are no use from
// further away, and a bound keeps the routes cached to the county's.
const ReachM = 50_000

// reachOf is where routes may be asked from: the county's extent (nil
// before a county is loaded; then the listed shelters') grown by ReachM
// on every side; nil with neither.
func reachOf(county *orb.Bound, shelters []listedShelter) *orb.Bound {
	var b orb.Bound
	switch {
	case county != nil:
		b = *county
	case len(shelters) > 0:
		b = orb.Bound{Min: orb.Point{shelters[0].Lon, shelters[0].Lat}, Max: orb.Point{shelters[0].Lon, shelters[0].Lat}}
		for _, s := range shelters[1:] {
			b = b.Extend(orb.Point{s.Lon, s.Lat})
		}
	default:
		return nil
	}
	// East and west are grown on the edge furthest from the equator,
	// where a degree of longitude is shortest: the margin is at least
	// ReachM everywhere.
	far := b.Max.Lat()
	if math.Abs(b.Min.Lat()) > math.Abs(far) {
		far = b.Min.Lat()
	}
	g := orb.Bound{
		Min: orb.Point{geo.Destination(orb.Point{b.Min.Lon(), far}, 270, ReachM).Lon(), geo.Destination(b.Min, 180, ReachM).Lat()},
		Max: orb.Point{geo.Destination(orb.Point{b.Max.Lon(), far}, 90, ReachM).Lon(), geo.Destination(b.Max, 0, ReachM).Lat()},
	}
	// Past the antimeridian or a pole the margin wraps: take the whole way.
	if g.Min[0] > b.Min[0] {
		g.Min[0] = -180
	}
	if g.Max[0] < b.Max[0] {
		g.Max[0] = 180
	}
	if g.Min[1] > b.Min[1] {
		g.Min[1] = -90
	}
	if g.Max[1] < b.Max[1] {
		g.Max[1] = 90
	}
	return &g
}

// outOfReach refuses a position beyond reach, naming the coordinate (or
// both) that lies outside it; nil when inside or with no reach.
func outOfReach(reach *orb.Bound, p orb.Point) error {
	if reach == nil || reach.Contains(p) {
		return nil
	}
	detail := fmt.Sprintf("您的位置离乌鲁木齐县太远：只能查询从县境及其周边 %d 公里以内出发的路线", ReachM/1000)
	var errs []api.FieldError
	if p.Lon() < reach.Min.Lon() || p.Lon() > reach.Max.Lon() {
		errs = append(errs, api.FieldError{Field: "lon", Code: "out_of_area", Detail: detail})
	}
	if p.Lat() < reach.Min.Lat() || p.Lat() > reach.Max.Lat() {
		errs = append(errs, api.FieldError{Field: "lat", Code: "out_of_area", Detail: detail})
	}
	return api.Invalid(errs...)
}

// serveRoute answers GET /public/route: the road route from the reader to
// a shelter the page lists, or the straight line and why not.
func (c *Cache) serveRoute(w http.ResponseWriter, r *http.Request) error {
	q, err := parseRouteQuery(r.URL.Query())
	if err != nil {
		return err
	}
	s, err := c.get(r.Context())
	if err != nil {
		return err
	}
	sh, ok := s.shelters[q.shelter]
	if !ok {
		// Closed, full, removed or never one: the same answer, so the
		// route reveals nothing the page does not list.
		return api.Invalid(api.FieldError{Field: "shelter", Code: "not_listed",
			Detail: "不是本页列出的开放避难场所：只能查询本页列出的避难场所的路线"})
	}
	if err := outOfReach(s.reach, q.from); err != nil {
		return err
	}
	k := keyOf(q.from, sh.ID)
	a, err := s.routes.get(r.Context(), k, func() (answer, error) { return c.computeRoute(r.Context(), k.from(), sh, s.zones) })
	if err != nil {
		return err
	}
	if a.keep {
		w.Header().Set("Cache-Control", cacheControl)
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	return api.WriteBody(w, r, "application/json; charset=utf-8", a.body)
}

// computeRoute asks the router for the way from from to sh, once a slot is
// free, and words the outcome; shown are the zones the page shows.
func (c *Cache) computeRoute(ctx context.Context, from orb.Point, sh listedShelter, shown map[int64]bool) (answer, error) {
	to := orb.Point{sh.Lon, sh.Lat}
	out := routeAnswer{Shelter: sh.ID, From: from, To: to, StraightM: math.Round(geo.Distance(from, to))}
	if !c.takeSlot(ctx) {
		if err := ctx.Err(); err != nil {
			return answer{}, err
		}
		out.Road, out.Text = roadBusy, "查询路线的人较多，道路路线暂时算不出，先显示直线距离，请稍后再试"
		return encodeAnswer(out, false)
	}
	defer func() { <-c.slots }()
	c.routed.Add(1)
	rt, err := c.router.Route(ctx, from, to)
	switch {
	case errors.Is(err, routing.ErrNoNetwork):
		out.Road, out.Text = roadNoNetwork, "未加载道路数据，仅显示直线距离"
	case err != nil:
		if ctx.Err() != nil {
			return answer{}, ctx.Err()
		}
		c.logger.Warn("public road route failed; answering the straight line", "err", err)
		out.Road, out.Text = roadUnavailable, "道路路线暂时算不出，先显示直线距离，请稍后再试"
		return encodeAnswer(out, false)
	case rt.OffRoad && rt.FromSnapM > routing.MaxSnapM:
		out.Road, out.Text, out.Route = roadOffRoad, "您离最近的道路太远，算不出道路路线，仅显示直线距离", publicOf(rt, shown)
	case rt.OffRoad:
		out.Road, out.Text, out.Route = roadOffRoad, "这处避难场所离道路太远，算不出道路路线，仅显示直线距离", publicOf(rt, shown)
	case !rt.Reachable:
		out.Road, out.Route = roadUnreachable, publicOf(rt, shown)
		out.Text = "没有可通行的道路到达这里（道路封闭或危险区域也会挡住），仅显示直线距离"
	default:
		minutes, km := max(1, int(math.Ceil(rt.Seconds/60))), math.Round(rt.DistanceM/100)/10
		out.Road, out.Route, out.Minutes, out.KM = roadRoute, publicOf(rt, shown), &minutes, &km
		out.Text = fmt.Sprintf("驾车约 %d 分钟，%.1f 公里", minutes, km)
		if rt.FromSnapM >= farFromRoadM {
			out.Text += fmt.Sprintf("（从离您约 %.1f 公里的道路算起）", rt.FromSnapM/1000)
		}
		out.Text += zonesNote(out.Route.Zones)
	}
	return encodeAnswer(out, true)
}

// farFromRoadM is how far from the nearest road a reader is told the
// route starts there rather than where they are.
const farFromRoadM = 300

func encodeAnswer(a routeAnswer, keep bool) (answer, error) {
	b, err := json.Marshal(a)
	return answer{body: b, keep: keep}, err
}

// takeSlot waits for one of the MaxRouting slots, up to routeWait; false
// when none came free or the request ended.
func (c *Cache) takeSlot(ctx context.Context) bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(c.routeWait)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// RoutesComputed is how many road routes were asked of the router (tests
// read it: a cached answer asks none).
func (c *Cache) RoutesComputed() int64 { return c.routed.Load() }
