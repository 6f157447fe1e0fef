package realtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Close codes the server uses besides the standard ones (1001 going away on
// shutdown, 1009 message too big, 1011 internal error).
const (
	// CloseTooSlow: the client did not read fast enough; what it had not
	// read was discarded. Reconnect and resume with the last seq received.
	CloseTooSlow = 4008
	// CloseRevoked: the credential the connection was opened with no longer
	// holds (token revoked, session ended or expired, user disabled). Log in
	// or get a new token before reconnecting; resuming with the last seq then
	// works as after any close.
	CloseRevoked = 4001
)

// ActionLeave is the action of the event a bounding-box subscriber gets when a
// feature it holds moves out of its box: remove the feature.
const ActionLeave = "leave"

// subscribeMsg is what a client sends.
type subscribeMsg struct {
	Type   string     `json:"type"`
	Layers []string   `json:"layers"`
	BBox   []*float64 `json:"bbox"`
	Since  *int64     `json:"since"`
}

// subscription is a validated subscribe.
type subscription struct {
	layers    map[string]bool
	layerList []string
	bbox      *orb.Bound
}

type subscribeReq struct {
	sub   *subscription
	since *int64
}

// fieldError names the part of a client message that is wrong, as a JSON
// Pointer, like the API's problem details.
type fieldError struct {
	Field, Detail string
}

func (e *fieldError) Error() string { return e.Field + ": " + e.Detail }

// parseSubscribe validates a client message against the registered layers.
func (h *Hub) parseSubscribe(data []byte, readable map[string]bool) (subscribeReq, *fieldError) {
	var m subscribeMsg
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return subscribeReq{}, &fieldError{"", "消息无效：应为 JSON 对象，成员只能是 type、layers、bbox、since"}
	}
	// Not dec.More(): it is false before a stray "}" or "]", which would
	// let {…}} through.
	if _, err := dec.Token(); err != io.EOF {
		return subscribeReq{}, &fieldError{"", "每条消息只能有一个 JSON 对象"}
	}
	if m.Type != "subscribe" {
		return subscribeReq{}, &fieldError{"/type", fmt.Sprintf("未知消息类型 %q；只有 \"subscribe\"", m.Type)}
	}
	if m.Layers == nil {
		return subscribeReq{}, &fieldError{"/layers", "必填：要接收的图层，例如 [\"boundaries\"]"}
	}
	sub := &subscription{layers: map[string]bool{}}
	for i, l := range m.Layers {
		if _, ok := h.snapshotter(l); !ok {
			return subscribeReq{}, &fieldError{"/layers/" + strconv.Itoa(i), fmt.Sprintf("未知图层 %q；可用的图层：%s", l, strings.Join(h.Layers(), ", "))}
		}
		if !readable[l] {
			return subscribeReq{}, &fieldError{"/layers/" + strconv.Itoa(i), fmt.Sprintf("无权读取图层 %q（需要相应权限）", l)}
		}
		if !sub.layers[l] {
			sub.layers[l] = true
			sub.layerList = append(sub.layerList, l)
		}
	}
	slices.Sort(sub.layerList)
	if m.BBox != nil {
		if len(m.BBox) != 4 {
			return subscribeReq{}, &fieldError{"/bbox", "须为 [minLon, minLat, maxLon, maxLat]（WGS 84 度）"}
		}
		var v [4]float64
		for i, p := range m.BBox {
			if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
				return subscribeReq{}, &fieldError{"/bbox/" + strconv.Itoa(i), "须为数字"}
			}
			v[i] = *p
		}
		switch {
		case v[0] < -180 || v[0] > 180:
			return subscribeReq{}, &fieldError{"/bbox/0", "经度须在 -180…180 之间"}
		case v[2] < -180 || v[2] > 180:
			return subscribeReq{}, &fieldError{"/bbox/2", "经度须在 -180…180 之间"}
		case v[1] < -90 || v[1] > 90:
			return subscribeReq{}, &fieldError{"/bbox/1", "纬度须在 -90…90 之间"}
		case v[3] < -90 || v[3] > 90:
			return subscribeReq{}, &fieldError{"/bbox/3", "纬度须在 -90…90 之间"}
		case v[0] > v[2]:
			return subscribeReq{}, &fieldError{"/bbox/2", "maxLon 小于 minLon（不支持跨越 180° 经线的范围）"}
		case v[1] > v[3]:
			return subscribeReq{}, &fieldError{"/bbox/3", "maxLat 小于 minLat"}
		}
		sub.bbox = &orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	}
	if m.Since != nil && *m.Since < 0 {
		return subscribeReq{}, &fieldError{"/since", "须为序号（≥ 0）"}
	}
	return subscribeReq{sub: sub, since: m.Since}, nil
}

// resyncDetail tells a client why it gets a fresh snapshot.
const resyncDetail = "该 seq 之后的事件已不再保留，随后发送新的快照"

// Small server messages besides snapshots and events.
type errorMsg struct {
	Type   string `json:"type"` // "error"
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

type resyncMsg struct {
	Type   string `json:"type"` // "resync"
	Detail string `json:"detail"`
}

type resumedMsg struct {
	Type string `json:"type"` // "resumed"
	From int64  `json:"from"`
}

func rawItem(v any) outItem {
	b, _ := json.Marshal(v)
	return outItem{data: b, size: len(b)}
}
