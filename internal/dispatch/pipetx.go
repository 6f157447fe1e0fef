package dispatch

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pipelinedTx is a transaction whose BEGIN goes in its first round trip
// and whose COMMIT goes in its last, each pipelined with the statements
// around it: two round trips fewer than pgx.BeginFunc's, for a transaction
// that is a few pipelines anyway (a group of position fixes). Statements
// are queued on batches from next and sent with send, the last with
// commit; end releases the connection, rolling back what did not commit.
type pipelinedTx struct {
	conn             *pgxpool.Conn
	begun, committed bool
}

func beginPipelined(ctx context.Context, pool *pgxpool.Pool) (*pipelinedTx, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &pipelinedTx{conn: conn}, nil
}

// next is a batch for the transaction's next round trip; the first starts
// with BEGIN.
func (t *pipelinedTx) next() *pgx.Batch {
	b := &pgx.Batch{}
	if !t.begun {
		b.Queue("BEGIN")
		t.begun = true
	}
	return b
}

// send runs a batch from next.
func (t *pipelinedTx) send(ctx context.Context, b *pgx.Batch) error {
	return t.conn.SendBatch(ctx, b).Close()
}

// commit runs a batch from next with COMMIT after its statements. A
// statement that fails skips the rest of the pipeline, COMMIT included,
// and the transaction is rolled back by end.
func (t *pipelinedTx) commit(ctx context.Context, b *pgx.Batch) error {
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error {
		if ct.String() != "COMMIT" {
			return errors.New("dispatch: the transaction did not commit")
		}
		t.committed = true
		return nil
	})
	return t.send(ctx, b)
}

// end rolls back a transaction that did not commit and releases the
// connection (the pool drops one left in a transaction or broken).
func (t *pipelinedTx) end() {
	if t.begun && !t.committed && !t.conn.Conn().IsClosed() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
		cancel()
	}
	t.conn.Release()
}
