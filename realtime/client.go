package realtime

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// outItem is one message waiting to be written: a shared prepared event, or
// bytes for this connection alone (snapshots, errors).
type outItem struct {
	pm   *websocket.PreparedMessage
	data []byte
	size int
	seq  int64
	at   time.Time // recorded_at for events, for the lag histogram
	// backlog: read from the table for a resume or a gap; its lag is the
	// client's absence, not the stream's speed, so it stays out of the
	// histogram.
	backlog bool
}

var errClosed = errors.New("connection closed")

// client is one websocket connection. Three goroutines serve it: the reader
// (the handler's goroutine: subscribe messages, pongs), the writer (the only
// one that writes the socket) and the syncer (snapshots and reads of the
// events table, which must not hold up the reader's pong deadline or the
// hub). The hub only ever calls offer, which never blocks.
type client struct {
	h  *Hub
	ws *websocket.Conn
	// cred is the upgrade request's credential headers, kept for
	// Config.Recheck only: a secret, never logged.
	cred http.Header
	// readable: the layers this caller may subscribe to (Config.MayRead).
	readable map[string]bool

	ctx    context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	// What the client asked for; nil until its first subscribe.
	sub *subscription
	// cursor is the last seq accounted for: sent, or filtered out by the
	// subscription. Events at or below it are never sent again.
	cursor int64
	// syncing: the syncer owns the stream (snapshot, backlog, gap); the
	// hub's batches wait in pending, shared, not copied.
	syncing bool
	pending []pendingBatch
	// pendingBytes is what pending would send this client (weighLocked).
	pendingBytes int
	// held tracks, for bounding-box subscriptions, the ids the client was
	// sent per layer: true held, false known not held. With heldUnknown (a
	// resume: we do not know what the client holds) an absent id may be held.
	held        map[string]map[string]bool
	heldUnknown bool
	syncCancel  context.CancelFunc

	queue      []outItem
	queueBytes int

	closing     bool
	closeCode   int
	closeText   string
	closeReason string

	wake  chan struct{}
	space chan struct{}
	subCh chan subscribeReq
	gapCh chan struct{}
}

// pendingBatch is a hub batch waiting for a syncing client, with what it
// would send this client.
type pendingBatch struct {
	b     *batch
	bytes int
}

func newClient(h *Hub, ws *websocket.Conn, cred http.Header) *client {
	ctx, cancel := context.WithCancel(context.Background())
	return &client{h: h, ws: ws, cred: cred, ctx: ctx, cancel: cancel,
		wake: make(chan struct{}, 1), space: make(chan struct{}, 1),
		subCh: make(chan subscribeReq, 1), gapCh: make(chan struct{}, 1)}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// run serves the connection until it ends.
func (c *client) run() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.writeLoop() }()
	go func() { defer wg.Done(); c.syncLoop() }()
	if c.h.cfg.Recheck != nil {
		wg.Add(1)
		go func() { defer wg.Done(); c.recheckLoop() }()
	}
	reason := c.readLoop()
	c.closeWith(websocket.CloseNormalClosure, "", reason)
	c.cancel()
	wg.Wait()
	c.h.remove(c)
	c.mu.Lock()
	r := c.closeReason
	c.mu.Unlock()
	c.h.m.disconnects.WithLabelValues(r).Inc()
}

// readLoop reads subscribe messages and keeps the read deadline moving on
// pongs; it returns why the connection ended.
func (c *client) readLoop() string {
	pongWait := c.h.cfg.PongWait
	c.ws.SetReadLimit(MaxMessageBytes)
	_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, websocket.ErrReadLimit):
				c.closeWith(websocket.CloseMessageTooBig, "消息过大", "protocol")
				return "protocol"
			case errors.As(err, &ne) && ne.Timeout():
				return "ping_timeout"
			default:
				return "client"
			}
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if typ != websocket.TextMessage {
			c.enqueue(rawItem(errorMsg{Type: "error", Detail: "请发送 JSON 文本消息"}))
			continue
		}
		req, ferr := c.h.parseSubscribe(data, c.readable)
		if ferr != nil {
			c.enqueue(rawItem(errorMsg{Type: "error", Field: ferr.Field, Detail: ferr.Detail}))
			continue
		}
		// The newest subscribe wins: abandon any sync in progress.
		c.mu.Lock()
		if c.syncCancel != nil {
			c.syncCancel()
		}
		c.mu.Unlock()
		select {
		case <-c.subCh:
		default:
		}
		c.subCh <- req
	}
}

// closeWith starts closing the connection: the queue is dropped (and
// counted) and the writer sends the close frame. The first reason wins.
func (c *client) closeWith(code int, text, reason string) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closeLocked(code, text, reason)
	c.mu.Unlock()
}

func (c *client) closeLocked(code int, text, reason string) {
	c.closing = true
	c.closeCode, c.closeText, c.closeReason = code, text, reason
	if n := len(c.queue); n > 0 {
		c.h.m.drops.WithLabelValues(reason).Add(float64(n))
	}
	c.queue, c.queueBytes = nil, 0
	c.pending, c.pendingBytes = nil, 0
	if c.syncCancel != nil {
		c.syncCancel()
	}
	signal(c.wake)
}

// slowLocked closes a client whose queue overflowed. It is the hub's only
// answer to a slow client: nobody else waits for it.
func (c *client) slowLocked() {
	c.h.m.slowCloses.Inc()
	c.closeLocked(CloseTooSlow, "接收过慢：请用最后的 seq 续传", "slow")
}

// enqueueLocked adds a message without waiting; a queue that would pass its
// bound closes the client. A single message larger than the bound still goes
// through an empty queue (a large snapshot is not slowness).
func (c *client) enqueueLocked(it outItem) {
	if c.closing {
		return
	}
	if c.queueBytes > 0 && c.queueBytes+it.size > c.h.cfg.MaxQueueBytes {
		c.slowLocked()
		return
	}
	c.queue = append(c.queue, it)
	c.queueBytes += it.size
	signal(c.wake)
}

func (c *client) enqueue(it outItem) {
	c.mu.Lock()
	c.enqueueLocked(it)
	c.mu.Unlock()
}

// enqueueWait adds a message from the syncer, waiting for room: the syncer
// may wait for its own client; meanwhile the hub's batches pile up in
// pending, which is bounded too.
func (c *client) enqueueWait(ctx context.Context, it outItem) error {
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return errClosed
		}
		if c.queueBytes == 0 || c.queueBytes+it.size <= c.h.cfg.MaxQueueBytes {
			c.queue = append(c.queue, it)
			c.queueBytes += it.size
			c.mu.Unlock()
			signal(c.wake)
			return nil
		}
		c.mu.Unlock()
		select {
		case <-c.space:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// writeLoop is the only writer of the socket.
func (c *client) writeLoop() {
	ping := time.NewTicker(c.h.cfg.PingPeriod)
	defer ping.Stop()
	wait := c.h.cfg.WriteWait
	for {
		c.mu.Lock()
		if c.closing {
			code, text := c.closeCode, c.closeText
			c.mu.Unlock()
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
			_ = c.ws.Close()
			return
		}
		if len(c.queue) > 0 {
			it := c.queue[0]
			c.queue[0] = outItem{}
			c.queue = c.queue[1:]
			c.queueBytes -= it.size
			c.mu.Unlock()
			signal(c.space)
			if err := c.write(it, wait); err != nil {
				c.writeFailed(err)
			}
			continue
		}
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(wait)); err != nil {
				c.writeFailed(err)
			}
		}
	}
}

// writeFailed ends the connection after a failed write. A write that runs
// out of time means the client stopped reading: that is a slow client like
// one whose queue overflowed, closed with 4008 so it knows to resume. (The
// close frame may not get through a socket that is still full; then the
// client sees the connection drop, and resumes the same way.)
func (c *client) writeFailed(err error) {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.mu.Lock()
		if !c.closing {
			c.slowLocked()
		}
		c.mu.Unlock()
		return
	}
	c.closeWith(websocket.CloseInternalServerErr, "发送失败", "write_error")
}

func (c *client) write(it outItem, wait time.Duration) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(wait))
	var err error
	if it.pm != nil {
		err = c.ws.WritePreparedMessage(it.pm)
	} else {
		err = c.ws.WriteMessage(websocket.TextMessage, it.data)
	}
	if err != nil {
		return err
	}
	c.h.m.bytesSent.Add(float64(it.size))
	if !it.at.IsZero() {
		c.h.m.eventsSent.Inc()
		if !it.backlog {
			c.h.m.lag.Observe(time.Since(it.at).Seconds())
		}
	}
	return nil
}
