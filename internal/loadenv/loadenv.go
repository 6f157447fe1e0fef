// Package loadenv is what the load programs (cmd/hotload, cmd/sensorload,
// cmd/wsload) share: they refuse a database that is not on this machine,
// and each run works in a scratch database of its own, migrated, dropped
// after.
package loadenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/db"
)

// FirstEnv is the first of the environment variables that is set.
func FirstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// CheckLoopback refuses a database URL whose host is not this machine: a
// load program must not flood a shared or production cluster.
func CheckLoopback(dbURL, program string) error {
	u, err := url.Parse(dbURL)
	if err != nil || dbURL == "" {
		return errors.New("-database-url is required (a loopback cluster)")
	}
	h := u.Hostname()
	if h == "" || h == "localhost" || strings.HasPrefix(h, "/") {
		return nil
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("the database host %q is not on loopback; %s only runs against this machine", h, program)
}

// Scratch makes a database named after the program on the cluster of
// adminURL (which CheckLoopback must accept) and migrates it. It returns
// the new database's URL and drop, which removes it; the caller defers drop
// unless it keeps the database to look at.
func Scratch(ctx context.Context, adminURL, program string) (dbURL, name string, drop func(), err error) {
	if err := CheckLoopback(adminURL, program); err != nil {
		return "", "", nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name = program + "_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", "", nil, err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		admin.Close(context.Background())
		return "", "", nil, err
	}
	drop = func() {
		_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		admin.Close(context.Background())
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	dbURL = u.String()
	if _, err := db.Migrate(ctx, dbURL); err != nil {
		drop()
		return "", "", nil, err
	}
	return dbURL, name, drop, nil
}
