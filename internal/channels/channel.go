package channels

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// Channel is a release channel as the API shows it. The secret is never
// shown: HasSecret says whether one is set.
type Channel struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	Format       string  `json:"format"`
	URL          string  `json:"url"`
	Enabled      bool    `json:"enabled"`
	Drills       bool    `json:"drills"`
	MaxChars     *int    `json:"max_chars"`
	TimeoutS     int     `json:"timeout_s"`
	AuthType     string  `json:"auth_type"`
	AuthUsername *string `json:"auth_username"`
	AuthHeader   *string `json:"auth_header"`
	HasSecret    bool    `json:"has_secret"`
	Version      int     `json:"version"`
}

// Input is a channel as an administrator sends it. Secret is write-only:
// on an update, leaving it out keeps the stored one, "" clears it.
type Input struct {
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	Format       string  `json:"format"`
	URL          string  `json:"url"`
	Enabled      *bool   `json:"enabled"`
	Drills       bool    `json:"drills"`
	MaxChars     *int    `json:"max_chars"`
	TimeoutS     *int    `json:"timeout_s"`
	AuthType     string  `json:"auth_type"`
	AuthUsername *string `json:"auth_username"`
	AuthHeader   *string `json:"auth_header"`
	Secret       *string `json:"secret"`
}

// The kinds of channel, formats and ways to authenticate, with their
// labels (also served by GET /api/v1/vocabulary for the administrator's
// form).
var (
	Kinds     = map[string]string{"sms": "短信平台", "broadcast": "应急广播", "newsroom": "广播电视新闻机构", "cap_hub": "预警信息发布平台（CAP）", "other": "其他"}
	Formats   = map[string]string{"cap_xml": "CAP 1.2 XML 文档", "json": "JSON（含渠道所需文本）"}
	AuthTypes = map[string]string{"none": "无", "bearer": "持有者令牌", "basic": "用户名和密码", "header": "自定义请求头"}
)

// KindCodes, FormatCodes and AuthTypeCodes are the maps' codes in the order
// a form and an error message list them (the defaults first).
var (
	KindCodes     = []string{"sms", "broadcast", "newsroom", "cap_hub", "other"}
	FormatCodes   = []string{"cap_xml", "json"}
	AuthTypeCodes = []string{"none", "bearer", "basic", "header"}
)

func oneOf(codes []string, labels map[string]string) string {
	return validation.OneOf(codes, func(c string) string { return labels[c] })
}

// check validates in; stored says whether a secret is stored already (an
// update that keeps it).
func (in *Input) check(storedSecret bool) error {
	var errs []api.FieldError
	add := func(f, d string) { errs = append(errs, api.FieldError{Field: f, Detail: d}) }
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		errs = append(errs, api.RequiredError("/name"))
	} else if utf8.RuneCountInString(in.Name) > 100 {
		add("/name", "不超过 100 个字符")
	}
	if _, ok := Kinds[in.Kind]; !ok {
		add("/kind", oneOf(KindCodes, Kinds))
	}
	if in.Format == "" {
		in.Format = "cap_xml"
	}
	if _, ok := Formats[in.Format]; !ok {
		add("/format", oneOf(FormatCodes, Formats))
	}
	if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		add("/url", "须为以超文本传输协议开头的网络地址（明文或加密）；地址中不能含用户名和密码，凭据请另行填写")
	} else if len(in.URL) > 2000 {
		add("/url", "不超过 2000 个字符")
	}
	if in.MaxChars != nil && (*in.MaxChars < 20 || *in.MaxChars > 100000) {
		add("/max_chars", "须在 20 至 100000 之间")
	}
	if in.Format == "json" && in.Kind == "sms" && in.MaxChars == nil {
		add("/max_chars", "短信渠道须填写每条短信的最大字数")
	}
	if in.TimeoutS != nil && (*in.TimeoutS < 1 || *in.TimeoutS > 120) {
		add("/timeout_s", "须在 1 至 120 秒之间")
	}
	if in.AuthType == "" {
		in.AuthType = "none"
	}
	if _, ok := AuthTypes[in.AuthType]; !ok {
		add("/auth_type", oneOf(AuthTypeCodes, AuthTypes))
	}
	hasSecret := storedSecret
	if in.Secret != nil {
		hasSecret = *in.Secret != ""
		if strings.ContainsAny(*in.Secret, "\r\n") || len(*in.Secret) > 4000 {
			add("/secret", "不能含换行，且不超过 4000 个字节")
		}
	}
	switch in.AuthType {
	case "bearer", "basic", "header":
		if !hasSecret {
			add("/secret", "此认证方式须填写凭据")
		}
	}
	if in.AuthType == "basic" && (in.AuthUsername == nil || strings.TrimSpace(*in.AuthUsername) == "") {
		errs = append(errs, api.RequiredError("/auth_username"))
	}
	if in.AuthType == "header" && (in.AuthHeader == nil || !validHeaderName(*in.AuthHeader)) {
		add("/auth_header", "须为请求头名称（字母、数字和连字符）")
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

func validHeaderName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
