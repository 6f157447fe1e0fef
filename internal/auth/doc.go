// Package auth knows who is calling and what their role lets them do.
//
// People log in to the web page with a password and get an HttpOnly session
// cookie; scripts and devices send a bearer API token. Both are stored only as
// hashes. Roles follow the plan's organisation (see roles.go), and every write
// checks a permission, not a role name, so the rules live in one table.
package auth
