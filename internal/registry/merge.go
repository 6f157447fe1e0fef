package registry

import "encoding/json"

// mergePatch applies an RFC 7396 JSON Merge Patch to target: objects merge
// member by member, null removes a member, anything else replaces.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// patchFeature merges patch into the stored feature and returns the
// document to validate as a whole.
func patchFeature(stored, patch []byte) ([]byte, error) {
	var s, p any
	if err := json.Unmarshal(stored, &s); err != nil {
		return nil, err
	}
	dec := json.Unmarshal(patch, &p)
	if dec != nil {
		return nil, jsonProblem(dec, "")
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, jsonProblem(errNotObject, "")
	}
	return json.Marshal(mergePatch(s, p))
}

type notObject struct{}

func (notObject) Error() string { return "合并补丁（RFC 7396）须为 JSON 对象" }

var errNotObject error = notObject{}
