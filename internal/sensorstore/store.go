package sensorstore

import (
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Topic is the live stream's topic of alarms.
const Topic = "alarms"

// Store is the readings and alarms of the sensors.
type Store struct {
	pool *pgxpool.Pool
	// Now is the store's clock; tests set their own.
	Now func() time.Time
	// Retention is how long raw readings are kept.
	Retention time.Duration

	mu   sync.Mutex
	days map[string]bool // day partitions known to exist
}

// New returns a store on pool with the wall clock and the default
// retention.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, Now: time.Now, Retention: DefaultRetention, days: map[string]bool{}}
}
