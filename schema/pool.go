package schema

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Defaults of the PostgreSQL connection pool (Options).
const (
	// DefaultMaxConns is how many connections a store opens to PostgreSQL at most: with the
	// server's default max_connections of 100, four processes (80) leave room for backups,
	// administrators and a migration (see docs/deploy.md).
	DefaultMaxConns = 20
	// DefaultAcquireTimeout is how long a request waits for one of them before it is
	// refused as Unavailable (a 503 with Retry-After) instead of queuing without end.
	DefaultAcquireTimeout = 5 * time.Second
)

// Options configure a store beyond its DSN. The zero value is the defaults.
type Options struct {
	// MaxConns bounds the connections to PostgreSQL; 0 is DefaultMaxConns. SQLite keeps its
	// own pools (one writer, a few readers).
	MaxConns int
	// AcquireTimeout is how long a PostgreSQL transaction waits for a connection; 0 is
	// DefaultAcquireTimeout.
	AcquireTimeout time.Duration
	// MustExist refuses an SQLite file that does not exist (NotFound) instead of creating an
	// empty database: for the commands that read or change what is there, where a mistyped
	// path must not silently answer from nothing.
	MustExist bool
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.MustExist {
		if err := mustExist(dsn); err != nil {
			return nil, err
		}
	}
	s, err := open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// pool configures a PostgreSQL pool by opts.
func (s *Store) pool(db *sql.DB, opts Options) {
	n := opts.MaxConns
	if n <= 0 {
		n = DefaultMaxConns
	}
	s.acquire = opts.AcquireTimeout
	if s.acquire <= 0 {
		s.acquire = DefaultAcquireTimeout
	}
	s.maxConns = n
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// errLost marks an error of a connection the database closed or never opened: a restart
// (57P01 terminating connection), a server that is down, a network that broke.
type errLost struct {
	err      error
	beforeTx bool // nothing of the transaction was sent
}

func (e *errLost) Error() string { return e.err.Error() }
func (e *errLost) Unwrap() error { return e.err }

// lost reports whether err means that the connection is gone, not that a statement failed.
func lost(err error) bool {
	if err == nil {
		return false
	}
	var pe pgdriver.Error
	if errors.As(err, &pe) {
		code := pe.Field('C')
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03" ||
			pe.Field('V') == "FATAL" && code != "28P01" && code != "28000" && code != "3D000"
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &ne)
}

// unavailable is the error of a database that cannot serve a request now: the client may
// try again (the server answers 503 with Retry-After).
func unavailable(format string, args ...any) *Error {
	return &Error{Kind: Unavailable, Message: fmt.Sprintf(format, args...)}
}

// inTx runs fn in a transaction of db. On PostgreSQL it waits at most the acquire timeout
// for a connection (Unavailable after it), checks the connection first (one the server
// closed, as a restart does, is replaced), and runs an idempotent transaction (a read) once
// more on a new connection if the connection is lost while it runs. A database that stays
// unreachable is Unavailable, never an internal error. On SQLite it runs fn as it is.
func (s *Store) inTx(ctx context.Context, db *bun.DB, opts *sql.TxOptions, idempotent bool, fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.acquire <= 0 {
		return db.RunInTx(ctx, opts, fn)
	}
	return s.inConn(ctx, db, idempotent, func(ctx context.Context, conn bun.Conn) error {
		return conn.RunInTx(ctx, opts, fn)
	})
}

// inConn runs fn on one connection of db, as inTx runs a transaction.
func (s *Store) inConn(ctx context.Context, db *bun.DB, idempotent bool, fn func(ctx context.Context, conn bun.Conn) error) error {
	err := s.tryConn(ctx, db, fn)
	var l *errLost
	if errors.As(err, &l) && ctx.Err() == nil && (l.beforeTx || idempotent) {
		err = s.tryConn(ctx, db, fn) // once, on another connection
	}
	if errors.As(err, &l) && ctx.Err() == nil {
		return unavailable("the database cannot be reached (%v): try again shortly", l.err)
	}
	return err
}

func (s *Store) tryConn(ctx context.Context, db *bun.DB, fn func(ctx context.Context, conn bun.Conn) error) error {
	actx, cancel := context.WithTimeout(ctx, s.acquire)
	conn, err := db.Conn(actx)
	cancel()
	switch {
	case err == nil:
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return unavailable("all %d connections to the database stayed busy for %s: try again shortly", s.maxConns, s.acquire)
	case lost(err):
		return &errLost{err: err, beforeTx: true}
	default:
		return err
	}
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		if lost(err) {
			return &errLost{err: err, beforeTx: true}
		}
		return err
	}
	if err := fn(ctx, conn); err != nil {
		if lost(err) {
			return &errLost{err: err}
		}
		return err
	}
	return nil
}

// query runs fn on db without a transaction: on PostgreSQL on one connection of the pool, as
// inConn runs it (idempotent: a read).
func (s *Store) query(ctx context.Context, db *bun.DB, fn func(ctx context.Context, db bun.IDB) error) error {
	if s.acquire <= 0 {
		return fn(ctx, db)
	}
	return s.inConn(ctx, db, true, func(ctx context.Context, conn bun.Conn) error { return fn(ctx, conn) })
}
