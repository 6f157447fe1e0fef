package api

import "context"

// RequestInfo collects what the request log line reports but only inner
// handlers learn (who the caller turned out to be).
type RequestInfo struct {
	User string
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying a fresh RequestInfo.
func WithRequestInfo(ctx context.Context) (context.Context, *RequestInfo) {
	ri := &RequestInfo{}
	return context.WithValue(ctx, requestInfoKey{}, ri), ri
}

// SetRequestUser records the caller's name for the request log.
func SetRequestUser(ctx context.Context, name string) {
	if ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		ri.User = name
	}
}
