package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// DefaultDSN is the database Open uses when given none: an SQLite file in the working directory.
const DefaultDSN = "./rubric.db"

// sqliteParams open every SQLite connection in WAL mode with foreign keys on, a busy timeout
// (another process's writer makes us wait, not fail) and synchronous=NORMAL, which is durable
// across application crashes in WAL mode.
const sqliteParams = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_synchronous=NORMAL"

// Store keeps schemes, their revisions, rosters, values and value history in SQLite or
// PostgreSQL. Its methods are safe for concurrent use. Every write is one transaction: a write
// that fails changes nothing.
type Store struct {
	// Now is the clock of the store; tests replace it.
	Now func() time.Time

	db       *bun.DB // reads (and, on PostgreSQL, writes)
	wdb      *bun.DB // writes: on SQLite, one connection, so that writers queue
	readOpts *sql.TxOptions
	closers  []*bun.DB
	acquire  time.Duration // PostgreSQL: the longest wait for a connection (0 on SQLite)
	maxConns int           // PostgreSQL: the pool's size
}

// Open opens the database named by dsn and brings its tables up to date. dsn is a path to an
// SQLite file ("" is DefaultDSN; ":memory:" an in-memory database) or a postgres:// URL.
//
// SQLite is opened with WAL, foreign keys, a busy timeout and one writer connection: writes
// queue instead of failing with "database is locked", while reads run in parallel on their
// own connections. On PostgreSQL, processes that open one database at the same moment migrate
// it in turn, under an advisory lock: each migration is applied once.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// open opens the database named by dsn as Open does, without migrating it.
func open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{Now: time.Now}
	if dsn == "" {
		dsn = DefaultDSN
	}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
		s.pool(sqldb, opts)
		s.db = bun.NewDB(sqldb, pgdialect.New())
		s.wdb = s.db
		s.closers = []*bun.DB{s.db}
		s.readOpts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	case dsn == ":memory:" || strings.Contains(dsn, "mode=memory"):
		// Every connection to :memory: is a database of its own: use exactly one.
		db, err := openSQLite(dsn, "&_txlock=immediate", 1)
		if err != nil {
			return nil, err
		}
		s.db, s.wdb, s.closers = db, db, []*bun.DB{db}
	default:
		w, err := openSQLite(dsn, "&_txlock=immediate", 1)
		if err != nil {
			return nil, err
		}
		s.wdb, s.closers = w, []*bun.DB{w}
		// The writer opens the file first, so that it is in WAL mode before any reader.
		if err := w.PingContext(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("schema: open %s: %w", dsn, err)
		}
		r, err := openSQLite(dsn, "", max(4, runtime.GOMAXPROCS(0)))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.db, s.closers = r, append(s.closers, r)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("schema: open database: %w", err)
	}
	return s, nil
}

// openSQLite opens a pool of at most conns connections to an SQLite file.
func openSQLite(path, extra string, conns int) (*bun.DB, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	sqldb, err := sql.Open("sqlite3", path+sep+sqliteParams+extra)
	if err != nil {
		return nil, fmt.Errorf("schema: open %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(conns)
	sqldb.SetConnMaxLifetime(0)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	for _, db := range s.closers {
		errs = append(errs, db.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var err error
	if s.acquire > 0 {
		err = s.inConn(ctx, s.db, true, func(context.Context, bun.Conn) error { return nil }) // inConn pings
	} else {
		err = s.db.PingContext(ctx)
	}
	if err != nil {
		return fmt.Errorf("schema: ping: %w", err)
	}
	return nil
}

// now is the store's clock in UTC, to the microsecond (what both databases keep).
func (s *Store) now() time.Time {
	return s.Now().UTC().Truncate(time.Microsecond)
}

// write runs fn in one write transaction: everything fn did is committed, or, if it returns
// an error, nothing.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.inTx(ctx, s.wdb, nil, false, fn)
}

// read runs fn in one read transaction, so that it sees one consistent state.
func (s *Store) read(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.inTx(ctx, s.db, s.readOpts, true, fn)
}

// wrap prefixes an internal error with what was being done; an *Error passes unchanged.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("schema: "+format+": %w", append(args, err)...)
}

// isUniqueViolation reports whether err is a primary-key or unique constraint violation.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || se.ExtendedCode == sqlite3.ErrConstraintUnique
	}
	var pe pgdriver.Error
	if errors.As(err, &pe) {
		return pe.Field('C') == "23505"
	}
	return false
}

// Page selects a slice of a list: at most Limit entries (DefaultLimit when 0, at most
// MaxLimit) after skipping Offset. Lists also return the total count.
type Page struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Limits of a Page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// normalize applies the default limit and checks the bounds.
func (p Page) normalize() (Page, error) {
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		return p, Errorf(Invalid, "limit", "limit %d is out of range 1..%d", p.Limit, MaxLimit)
	}
	if p.Offset < 0 {
		return p, Errorf(Invalid, "offset", "offset %d must be ≥ 0", p.Offset)
	}
	return p, nil
}
