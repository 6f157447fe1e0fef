package channels

import (
	"errors"
	"testing"

	"sitrep/internal/api"
)

// FuzzChannelInput: whatever an administrator's client sends as a channel,
// reading and checking it either accepts it or refuses it with a problem
// that names a field; it never panics, and what it accepts has a known
// kind, format and way to authenticate.
func FuzzChannelInput(f *testing.F) {
	f.Add([]byte(`{"name":"县短信平台","kind":"sms","format":"json","url":"https://sms.example/send","max_chars":70,"auth_type":"bearer","secret":"x"}`))
	f.Add([]byte(`{"name":"县应急广播","kind":"broadcast","url":"http://10.0.0.5/cap","auth_type":"header","auth_header":"X-Key","secret":"k"}`))
	f.Add([]byte(`{"name":"","kind":"tv","url":"ftp://a","max_chars":5,"timeout_s":0,"auth_type":"basic"}`))
	f.Add([]byte(`{"name":"a","kind":"other","url":"http://u:p@h/","secret":"a\nb"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in Input
		if err := api.DecodeJSONBytes(body, &in); err != nil {
			return
		}
		err := in.check(false)
		if err == nil {
			if _, ok := Kinds[in.Kind]; !ok {
				t.Fatalf("accepted kind %q", in.Kind)
			}
			if _, ok := Formats[in.Format]; !ok {
				t.Fatalf("accepted format %q", in.Format)
			}
			if _, ok := AuthTypes[in.AuthType]; !ok {
				t.Fatalf("accepted auth type %q", in.AuthType)
			}
			return
		}
		var p *api.Problem
		if !errors.As(err, &p) || len(p.Errors) == 0 {
			t.Fatalf("refusal without a field: %v", err)
		}
		for _, fe := range p.Errors {
			if fe.Field == "" || fe.Detail == "" {
				t.Fatalf("field error without a pointer or detail: %+v", fe)
			}
		}
	})
}
