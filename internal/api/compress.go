package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// minCompressBytes is the smallest body worth compressing: below a few
// packets, gzip's header and the CPU cost more than they save.
const minCompressBytes = 1400

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// WriteBody writes a 200 response of contentType, gzip-compressed when the
// client accepts it and the body is large enough to gain (a viewport of
// features shrinks to about a sixth). Caches are told the answer depends
// on Accept-Encoding.
func WriteBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if len(body) < minCompressBytes || !acceptsGzip(r) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, err := w.Write(body)
		return err
	}
	h.Set("Content-Encoding", "gzip")
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(w)
	if _, err := zw.Write(body); err != nil {
		return err
	}
	return zw.Close()
}

// bodyBuffers are reused for bodies built in memory (a page of features),
// so that the map's hot paths do not leave a growing buffer behind per
// request for the collector.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer put back: an occasional huge page
// must not stay in memory for good.
const maxPooledBuffer = 4 << 20

// GetBuffer returns an empty buffer for a response body; PutBuffer it
// when the body is written.
func GetBuffer() *bytes.Buffer { return bodyBuffers.Get().(*bytes.Buffer) }

// PutBuffer gives a buffer from GetBuffer back.
func PutBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	bodyBuffers.Put(b)
}
