package realtime

import (
	"encoding/json"
	"time"

	"github.com/paulmach/orb"
)

// Event is a committed map change as in-process subscribers see it: the
// events table's row (for map layers Data is the whole GeoJSON Feature on
// create and update, {"id":…} on delete).
type Event struct {
	Seq        int64
	RecordedAt time.Time
	Topic      string
	EntityID   string
	Action     string
	Data       json.RawMessage

	// src is the hub's event this one was made from (nil in a literal) and
	// place its topic's Placer property, for Place.
	src   *event
	place string
}

// Place is the bounding box of where the event puts its feature on the map,
// as a bounding-box subscription of the live stream sees it: the layer's
// Placer property when that is set (a team's last position), else the
// Feature's geometry. It is false for deletes, non-spatial topics and
// features without geometry. The Feature is decoded once per event,
// whichever subscribers and connections ask.
func (e Event) Place() (orb.Bound, bool) {
	if e.src == nil {
		return (&event{Action: e.Action, Data: e.Data}).geometry(e.place)
	}
	return e.src.geometry(e.place)
}

// OnEvents registers fn to be called with every batch of events the
// listener reads, in commit order, one call at a time, from the listener's
// goroutine after the batch went to the websocket clients. fn must be quick
// and must not block (a tile cache dropping entries, not a database write):
// the live stream waits for it. fn must not modify the slice's Data.
func (h *Hub) OnEvents(fn func([]Event)) {
	h.subsMu.Lock()
	defer h.subsMu.Unlock()
	h.subs = append(h.subs, fn)
}

// Ready reports whether the listener has started: from then on every commit
// reaches OnEvents subscribers. A cache may keep only what it read after
// Ready was true, since changes committed before the listener started are
// never delivered to it.
func (h *Hub) Ready() bool { return h.ready.Load() }

func (h *Hub) notify(evs []*event) {
	h.subsMu.RLock()
	subs := h.subs
	h.subsMu.RUnlock()
	if len(subs) == 0 {
		return
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = Event{Seq: e.Seq, RecordedAt: e.RecordedAt, Topic: e.Topic, EntityID: e.EntityID,
			Action: e.Action, Data: e.Data, src: e, place: h.placeProperty(e.Topic)}
	}
	for _, fn := range subs {
		fn(out)
	}
}
