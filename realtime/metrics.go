package realtime

import "github.com/prometheus/client_golang/prometheus"

// metrics are the stream's figures on /metrics. Every message a client does
// not get is counted under a reason, never dropped without a trace.
type metrics struct {
	clients         prometheus.Gauge
	eventsSent      prometheus.Counter
	bytesSent       prometheus.Counter
	slowCloses      prometheus.Counter
	disconnects     *prometheus.CounterVec
	drops           *prometheus.CounterVec
	lag             prometheus.Histogram
	backlogReads    prometheus.Counter
	backlogEvents   prometheus.Counter
	snapshots       prometheus.Counter
	resyncs         prometheus.Counter
	listenerReads   prometheus.Counter
	listenerRestart prometheus.Counter
	pruned          prometheus.Counter
	recheckErrors   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		clients: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sitrep_ws_clients",
			Help: "Websocket clients connected to this server."}),
		eventsSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_events_sent_total",
			Help: "Event messages written to websocket clients (one per client per event)."}),
		bytesSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_bytes_sent_total",
			Help: "Payload bytes written to websocket clients (events, snapshots, control messages)."}),
		slowCloses: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_slow_client_closes_total",
			Help: "Clients closed with code 4008 because their outgoing queue overflowed."}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sitrep_ws_disconnects_total",
			Help: "Websocket connections ended, by reason (client, slow, write_error, ping_timeout, protocol, shutdown, revoked, sync_error)."},
			[]string{"reason"}),
		drops: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sitrep_ws_dropped_messages_total",
			Help: "Messages queued for a client but never written, by the reason the connection ended."},
			[]string{"reason"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "sitrep_ws_commit_to_send_seconds",
			Help:    "Time from an event being recorded (events.recorded_at) to its write to a client socket.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		backlogReads: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_backlog_reads_total",
			Help: "Queries a connection made to the events table to resume or to fill a gap."}),
		backlogEvents: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_backlog_events_total",
			Help: "Events read from the events table for a connection's resume or gap."}),
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_snapshots_total",
			Help: "Snapshots sent."}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_resyncs_total",
			Help: "Resumes refused because the events asked for are no longer kept (client told to resync)."}),
		listenerReads: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_listener_reads_total",
			Help: "Reads of new events by the server's listener (after a notification, a reconnect or the safety timer)."}),
		listenerRestart: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_listener_reconnects_total",
			Help: "Times the LISTEN connection was (re)established."}),
		pruned: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_events_pruned_total",
			Help: "Old events deleted by this server's retention job."}),
		recheckErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "sitrep_ws_recheck_errors_total",
			Help: "Periodic credential rechecks of open connections that failed (the connection was kept)."}),
	}
	reg.MustRegister(m.clients, m.eventsSent, m.bytesSent, m.slowCloses, m.disconnects, m.drops, m.lag,
		m.backlogReads, m.backlogEvents, m.snapshots, m.resyncs, m.listenerReads, m.listenerRestart, m.pruned, m.recheckErrors)
	return m
}
