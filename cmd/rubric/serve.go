package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// Defaults of serve.
const (
	DefaultAddr     = "127.0.0.1:8080"
	shutdownTimeout = 10 * time.Second
)

// Main is the rubric service: its configuration, then, once running, its store, app and
// listener. Run starts it; Close stops it gracefully.
type Main struct {
	// Addr is the address to listen on; a port of 0 picks a free one (see URL).
	Addr string
	// DB is the database: an SQLite file or a postgres:// URL.
	DB string
	// Seed loads the built-in seed schemes when the database has no scheme yet.
	Seed bool
	// ImportLimit is the largest file an import reads, in bytes; 0 is
	// server.DefaultImportLimit.
	ImportLimit int
	// RateLimit is the requests per minute each token may make; 0 is
	// server.DefaultRateLimit, < 0 no limit.
	RateLimit int
	// CORSOrigins are the origins allowed to call the API from a browser; none by default.
	CORSOrigins []string
	// DBConns bounds the connections to PostgreSQL (RUBRIC_DB_CONNS); 0 is
	// schema.DefaultMaxConns.
	DBConns int
	// AdminToken is the secret of the admin token schema.EnvTokenName (RUBRIC_ADMIN_TOKEN);
	// "" has the first start of a database make an admin token and log its secret once.
	AdminToken string
	// Logger receives the service's logs.
	Logger *slog.Logger

	store  *schema.Store
	app    *fiber.App
	ln     net.Listener
	served chan error

	stopHooks context.CancelFunc // stops the webhook dispatcher
	hooksDone chan struct{}
}

// NewMain returns a Main with the defaults.
func NewMain() *Main {
	return &Main{Addr: DefaultAddr, DB: schema.DefaultDSN, Seed: true, Logger: slog.Default()}
}

// Run opens the database, loads the seeds on first start and starts serving in the background.
// It returns once the service is listening.
func (m *Main) Run(ctx context.Context) error {
	store, err := schema.OpenWith(ctx, m.DB, schema.Options{MaxConns: m.DBConns})
	if err != nil {
		return err
	}
	m.store = store
	if m.Seed {
		created, err := seedFirstStart(ctx, store)
		if err != nil {
			_ = m.Close() // the error returned is the one to report
			return err
		}
		if len(created) > 0 {
			m.Logger.Info("loaded the seed schemes", "schemes", created)
		}
	}
	if err := m.bootstrap(ctx); err != nil {
		_ = m.Close() // the error returned is the one to report
		return err
	}
	m.app = server.New(store, server.Config{Logger: m.Logger, Version: version, ImportLimit: m.ImportLimit,
		RateLimit: m.RateLimit, CORSOrigins: m.CORSOrigins})
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		_ = m.Close() // the error returned is the one to report
		return errorf("listen on %s: %v", m.Addr, err)
	}
	m.ln = ln
	m.served = make(chan error, 1)
	go func() { m.served <- m.app.Listener(ln) }()
	// Webhook deliveries run beside the server; every process may run them (they claim
	// deliveries, so each is sent by one).
	hooksCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stopHooks, m.hooksDone = stop, make(chan struct{})
	go func() {
		defer close(m.hooksDone)
		server.NewDispatcher(store, m.Logger).Run(hooksCtx)
	}()
	m.Logger.Info("listening", "addr", ln.Addr().String(), "url", m.URL(), "db", redact(m.DB), "version", version)
	return nil
}

// bootstrap makes sure an administrator can get in: AdminToken becomes the secret of the admin
// token schema.EnvTokenName; without one, the first start of a database with no token at all
// creates the admin token schema.AdminTokenName and logs its secret, the only time it is shown.
func (m *Main) bootstrap(ctx context.Context) error {
	ctx = schema.WithWho(ctx, schema.SystemWho)
	if m.AdminToken != "" {
		if err := m.store.EnsureAdminToken(ctx, m.AdminToken); err != nil {
			return errorf("RUBRIC_ADMIN_TOKEN: %v", err)
		}
		return nil
	}
	secret, created, err := m.store.BootstrapAdmin(ctx)
	if err != nil {
		return err
	}
	if created {
		m.Logger.Warn("created the admin token; its secret is shown only this once: keep it, then create other tokens with it",
			"token", schema.AdminTokenName, "secret", secret)
	}
	return nil
}

// parseRate reads a rate limit: a whole number of requests per minute ≥ 1, or off.
func parseRate(s string) (int, error) {
	if strings.EqualFold(s, "off") {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, usageError("rate limit %q: a whole number of requests per minute ≥ 1, or off", s)
	}
	return n, nil
}

// URL is the base URL the service answers on.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String()
}

// Done reports the end of serving: a value (nil after Close) when the listener stops.
func (m *Main) Done() <-chan error { return m.served }

// Close stops accepting requests, waits for those in flight (up to a timeout) and closes the
// database.
func (m *Main) Close() error {
	var errs []error
	if m.app != nil && m.ln != nil {
		if err := m.app.ShutdownWithTimeout(shutdownTimeout); err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				errs = append(errs, fmt.Errorf("shut down: %w", err))
			} else {
				// Every request in flight has had its time; what is still open is a connection a
				// client keeps without a request to finish. Closing the process closes it: this
				// is a warning, not a failed shutdown (as net/http's Shutdown then Close).
				m.Logger.Warn("connections still open after the shutdown timeout are closed",
					"timeout", shutdownTimeout, "open", m.app.Server().GetOpenConnectionsCount())
			}
		}
	}
	if m.stopHooks != nil {
		m.stopHooks()
		<-m.hooksDone
		m.stopHooks = nil
	}
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
		m.store = nil
	}
	return errors.Join(errs...)
}

// runServe runs `rubric serve` until ctx is done (SIGINT, SIGTERM) or serving fails.
func runServe(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) error {
	m := NewMain()
	fs := newFlags("serve", stderr)
	fs.StringVar(&m.Addr, "addr", envOr(getenv, "RUBRIC_ADDR", DefaultAddr), "address to listen on (env RUBRIC_ADDR)")
	fs.StringVar(&m.DB, "db", envOr(getenv, "RUBRIC_DB", schema.DefaultDSN), "SQLite file or postgres:// URL (env RUBRIC_DB)")
	noSeed := fs.Bool("no-seed", false, "do not load the seed schemes into an empty database")
	logFormat := fs.String("log", envOr(getenv, "RUBRIC_LOG", "text"), "log format: text or json (env RUBRIC_LOG)")
	limit := fs.String("import-limit", envOr(getenv, "RUBRIC_IMPORT_LIMIT", "20MB"), "the largest file an import reads: bytes, or with K, M or G (env RUBRIC_IMPORT_LIMIT)")
	rate := fs.String("rate-limit", envOr(getenv, "RUBRIC_RATE_LIMIT", strconv.Itoa(server.DefaultRateLimit)), "requests per minute each token may make, or off (env RUBRIC_RATE_LIMIT)")
	conns := fs.Int("db-conns", envInt(getenv, "RUBRIC_DB_CONNS", schema.DefaultMaxConns), "connections to PostgreSQL at most, per process (env RUBRIC_DB_CONNS)")
	origins := fs.String("cors-origins", envOr(getenv, "RUBRIC_CORS_ORIGINS", ""), "comma-separated origins allowed to call the API from a browser; none by default (env RUBRIC_CORS_ORIGINS)")
	if err := parseFlags(fs, args); err != nil {
		return flagsFailed(err)
	}
	var err error
	if m.ImportLimit, err = parseSize(*limit); err != nil {
		return err
	}
	if m.RateLimit, err = parseRate(*rate); err != nil {
		return err
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			m.CORSOrigins = append(m.CORSOrigins, o)
		}
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q", fs.Args())
	}
	if *conns < 1 {
		return usageError("db-conns %d: at least 1", *conns)
	}
	m.DBConns = *conns
	logger, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	m.Seed, m.Logger, m.AdminToken = !*noSeed, logger, getenv("RUBRIC_ADMIN_TOKEN")
	if err := m.Run(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-m.Done():
		_ = m.Close() // the error returned is the one to report
		return errorf("serve: %v", err)
	}
	if err := m.Close(); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}
