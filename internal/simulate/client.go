package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// client calls the Sitrep API with a bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

// apiError is a refused call, with the server's problem detail.
type apiError struct {
	Method, Path string
	Status       int
	Detail       string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Detail)
}

// call sends body (JSON, or nothing when nil) and decodes the answer into out
// (when not nil). It returns the response's ETag.
func (c *client) call(ctx context.Context, method, path string, body, out any, headers ...string) (string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode >= 300 {
		var p struct {
			Title, Detail string
		}
		_ = json.Unmarshal(raw, &p)
		detail := p.Detail
		if detail == "" {
			detail = p.Title
		}
		return "", &apiError{Method: method, Path: path, Status: resp.StatusCode, Detail: strings.TrimSpace(detail)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return "", fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.Header.Get("ETag"), nil
}

// etag reads a resource's current ETag, for a change that needs If-Match.
func (c *client) etag(ctx context.Context, path string) (string, error) {
	return c.call(ctx, http.MethodGet, path, nil, nil)
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
