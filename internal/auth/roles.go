package auth

import (
	"fmt"
	"slices"

	"sitrep/internal/validation"
)

// Role is what a user is in the command centre.
type Role string

// The roles, from the plan's organisation (plan 2, 3.2.2).
const (
	Viewer      Role = "viewer"       // the map wall: reads everything it shows
	Editor      Role = "editor"       // keeps the registry current
	Dispatcher  Role = "dispatcher"   // records incidents, sends teams
	DutyOfficer Role = "duty_officer" // the HQ office (指挥部办公室): blue and yellow warnings
	Commander   Role = "commander"    // the HQ (指挥部): orange and red warnings, response levels
	Admin       Role = "admin"        // users, tokens, the audit trail; everything else too
)

// Roles lists every role, least to most powerful.
var Roles = []Role{Viewer, Editor, Dispatcher, DutyOfficer, Commander, Admin}

// roleLabels are the roles' Chinese names, as the page shows them.
var roleLabels = map[Role]string{
	Viewer:      "查看",
	Editor:      "数据维护",
	Dispatcher:  "调度员",
	DutyOfficer: "值班员（指挥部办公室）",
	Commander:   "指挥长（指挥部）",
	Admin:       "管理员",
}

// Label is the role's Chinese name; an unknown role shows as its code.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// LoginRequired is what a request without credentials is told.
const LoginRequired = "请先登录，或在请求中带上 API 令牌"

// ParseRole accepts a role name, with a message listing the valid ones.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if slices.Contains(Roles, r) {
		return r, nil
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("未知角色 %q；%s", s, validation.OneOf(names, func(c string) string { return Role(c).Label() }))
}

// Permission is one thing a role may do. Handlers check permissions, never
// role names, so who-may-do-what is this file alone.
type Permission string

// Permissions.
const (
	ReadMap          Permission = "map:read"
	EditRegistry     Permission = "registry:write"
	ManageIncidents  Permission = "incidents:write"
	Dispatch         Permission = "teams:dispatch"
	WarnBlueYellow   Permission = "warnings:blue-yellow" // plan 3.2.2: the HQ office
	WarnOrangeRed    Permission = "warnings:orange-red"  // plan 3.2.2: the HQ
	ActivateResponse Permission = "response:activate"    // plan 2.2.1: the HQ decides response levels
	// ReadExperts: the expert roster holds people's names and private
	// phone numbers. Those who call an expert in (dispatch, the HQ office,
	// the HQ) and those who keep the roster (editors) may read it; the map
	// wall's viewers may not, on any path (API, export, history, nearest,
	// OGC, the live stream).
	ReadExperts Permission = "experts:read"
	// ReadMetrics: the Prometheus metrics (an operator's, not a user's).
	ReadMetrics Permission = "metrics:read"
	ManageUsers Permission = "users:manage"
	ReadAudit   Permission = "audit:read"
	// ManageChannels: the warning release channels (plan 3.2.2) and their
	// credentials.
	ManageChannels Permission = "warnings:channels"
)

var grants = map[Role][]Permission{
	Viewer:      {ReadMap},
	Editor:      {ReadMap, EditRegistry, ReadExperts},
	Dispatcher:  {ReadMap, ManageIncidents, Dispatch, ReadExperts},
	DutyOfficer: {ReadMap, EditRegistry, ManageIncidents, Dispatch, WarnBlueYellow, ReadExperts},
	Commander:   {ReadMap, EditRegistry, ManageIncidents, Dispatch, WarnBlueYellow, WarnOrangeRed, ActivateResponse, ReadExperts},
	Admin: {ReadMap, EditRegistry, ManageIncidents, Dispatch, WarnBlueYellow, WarnOrangeRed, ActivateResponse,
		ReadExperts, ReadMetrics, ManageUsers, ReadAudit, ManageChannels},
}

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool { return slices.Contains(grants[r], p) }
