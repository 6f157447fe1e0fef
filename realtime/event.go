package realtime

import (
	"encoding/json"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// event is one row of the events table, encoded for the wire once and shared
// by every connection that sends it.
type event struct {
	Seq        int64
	RecordedAt time.Time
	Topic      string
	EntityID   string
	Action     string
	Drill      bool
	Data       json.RawMessage

	encoded []byte
	msg     *websocket.PreparedMessage

	geomOnce sync.Once
	bound    orb.Bound
	hasGeom  bool

	leaveOnce sync.Once
	leave     *outItem
}

// eventMsg is the wire form of a delta; Data goes after these fields (see
// prepare).
type eventMsg struct {
	Type   string    `json:"type"`
	Seq    int64     `json:"seq"`
	Topic  string    `json:"topic"`
	ID     string    `json:"id"`
	Action string    `json:"action"`
	Drill  bool      `json:"drill"`
	At     time.Time `json:"at"`
}

// encode is the wire form of the event with data as its "data". data is
// valid JSON by construction (PostgreSQL's jsonb text, or ours), so it is
// appended as it is: json.Marshal of a json.RawMessage would scan it again to
// validate and compact it, for every event the server relays.
func (e *event) encode(action string, data []byte) ([]byte, error) {
	head, err := json.Marshal(eventMsg{Type: "event", Seq: e.Seq, Topic: e.Topic, ID: e.EntityID,
		Action: action, Drill: e.Drill, At: e.RecordedAt})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(head)+len(`,"data":`)+len(data))
	b = append(b, head[:len(head)-1]...) // without its closing brace
	b = append(b, `,"data":`...)
	b = append(b, data...)
	return append(b, '}'), nil
}

// prepare encodes the event once; every connection then writes the same
// frame bytes (websocket.PreparedMessage caches the framing).
func (e *event) prepare() error {
	b, err := e.encode(e.Action, e.Data)
	if err != nil {
		return err
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		return err
	}
	e.encoded, e.msg = b, pm
	return nil
}

func (e *event) item() outItem {
	return outItem{pm: e.msg, size: len(e.encoded), seq: e.Seq, at: e.RecordedAt}
}

// leaveItem is what a bounding-box subscriber that holds the feature gets
// when the feature moves out of its box: the same event with action "leave"
// and data {"id": …}, so the client removes it. Encoded at most once.
func (e *event) leaveItem() outItem {
	e.leaveOnce.Do(func() {
		data, _ := json.Marshal(map[string]string{"id": e.EntityID})
		b, err := e.encode(ActionLeave, data)
		if err != nil {
			return
		}
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
		if err != nil {
			return
		}
		e.leave = &outItem{pm: pm, size: len(b), seq: e.Seq, at: e.RecordedAt}
	})
	if e.leave == nil {
		return e.item()
	}
	return *e.leave
}

// geometry returns the bounding box of where the event's feature is on the
// map, decoded on first use and then shared by every connection and
// in-process subscriber, and false when the event has no place: deletes,
// non-spatial topics, features with null geometry. place names the property
// that places the feature when it is set (see Placer); it is the same for
// every event of a topic.
func (e *event) geometry(place string) (orb.Bound, bool) {
	e.geomOnce.Do(func() {
		if e.Action == "delete" {
			return
		}
		probe := reflect.New(placeProbe(place))
		if json.Unmarshal(e.Data, probe.Interface()) != nil {
			return
		}
		f := probe.Elem()
		if f.Field(0).String() != "Feature" {
			return
		}
		where := f.Field(1).Bytes()
		if place != "" {
			if p := f.Field(2).Field(0).Bytes(); len(p) > 0 && string(p) != "null" {
				where = p
			}
		}
		if len(where) == 0 || string(where) == "null" {
			return
		}
		g, err := geojson.UnmarshalGeometry(where)
		if err != nil || g.Geometry() == nil {
			return
		}
		e.bound, e.hasGeom = g.Geometry().Bound(), true
	})
	return e.bound, e.hasGeom
}

// placeProbes caches placeProbe's types by place.
var placeProbes sync.Map

// placeProbe is the struct a Feature is decoded into to learn where it is:
// its type, its geometry and, when place is set, that one property, as
//
//	struct {
//		Type       string          `json:"type"`
//		Geometry   json.RawMessage `json:"geometry"`
//		Properties struct {
//			Place json.RawMessage `json:"<place>"`
//		} `json:"properties"`
//	}
//
// The property's name is known only at run time (it is the layer's), and
// decoding the properties into a map instead would copy every one of them,
// for every event the server relays: twice the time, four times the
// allocations.
func placeProbe(place string) reflect.Type {
	if t, ok := placeProbes.Load(place); ok {
		return t.(reflect.Type)
	}
	raw := reflect.TypeFor[json.RawMessage]()
	fields := []reflect.StructField{
		{Name: "Type", Type: reflect.TypeFor[string](), Tag: `json:"type"`},
		{Name: "Geometry", Type: raw, Tag: `json:"geometry"`},
	}
	if place != "" {
		props := reflect.StructOf([]reflect.StructField{{Name: "Place", Type: raw, Tag: reflect.StructTag(`json:` + strconv.Quote(place))}})
		fields = append(fields, reflect.StructField{Name: "Properties", Type: props, Tag: `json:"properties"`})
	}
	t, _ := placeProbes.LoadOrStore(place, reflect.StructOf(fields))
	return t.(reflect.Type)
}

// batch is a run of events with consecutive sequence numbers, as the
// listener read them.
type batch struct {
	events []*event
	bytes  int
}

func (b *batch) last() int64 { return b.events[len(b.events)-1].Seq }

// featureID is a GeoJSON feature's "id" as the events table's entity_id
// spells it: a string as is, a number as its JSON text.
func featureID(raw json.RawMessage) string {
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &probe) != nil || len(probe.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(probe.ID, &s) == nil {
		return s
	}
	if _, err := strconv.ParseFloat(string(probe.ID), 64); err == nil {
		return string(probe.ID)
	}
	return ""
}
