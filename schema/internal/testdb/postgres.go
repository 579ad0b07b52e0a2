package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// Environment variables read by StartPostgres.
const (
	// EnvURL names a running PostgreSQL server to use instead of a throw-away cluster: the
	// postgres:// URL of a role that may create databases.
	EnvURL = "RUBRIC_TEST_POSTGRES"
	// EnvRequire set to 1 makes PostgreSQL tests fail instead of skipping when PostgreSQL
	// is not available. CI sets it.
	EnvRequire = "RUBRIC_REQUIRE_POSTGRES"
)

// The state of the test binary's one cluster, guarded by mu.
var (
	mu       sync.Mutex
	running  *cluster
	startErr error                  // why the cluster could not start; kept until Stop
	admins   = map[string]*sql.DB{} // pools that create and drop test databases, by server URL
	drops    sync.WaitGroup         // databases being dropped
)

// StartPostgres returns the URL of a PostgreSQL server for tests, superuser on its postgres
// database. The first call starts a throw-away cluster shared by the whole test binary:
// initdb in a new temporary directory, then the server on a free loopback port with its
// socket in that directory, as the postgres user when the test runs as root. Stop, called
// from TestMain (see Main), stops it and removes the directory; so does SIGINT, SIGTERM or
// SIGHUP, and if the test binary dies the server gets SIGQUIT (Linux's parent-death signal).
//
// When RUBRIC_TEST_POSTGRES is set, its URL is returned and nothing is started. When the
// PostgreSQL server binaries are missing, the test is skipped with a message saying how to
// install them, or fails if RUBRIC_REQUIRE_POSTGRES=1. A cluster that fails to start always
// fails the test.
func StartPostgres(tb testing.TB) string {
	tb.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	mu.Lock()
	if running == nil && startErr == nil {
		running, startErr = start()
	}
	c, err := running, startErr
	mu.Unlock()
	if err != nil {
		report(tb, err)
		return ""
	}
	return c.url
}

// report skips tb when PostgreSQL is unavailable and not required, and fails it otherwise.
func report(tb testing.TB, err error) {
	tb.Helper()
	var u *unavailableError
	if errors.As(err, &u) && os.Getenv(EnvRequire) != "1" {
		tb.Skip(err)
		return
	}
	tb.Fatal(err)
}

// Stop stops the cluster StartPostgres started, if any, and removes its directory. It is safe
// to call more than once, and a later StartPostgres starts a new cluster.
func Stop() {
	drops.Wait()
	mu.Lock()
	defer mu.Unlock()
	for u, db := range admins {
		db.Close()
		delete(admins, u)
	}
	startErr = nil
	if running != nil {
		running.stop()
		running = nil
	}
}

// Main runs the tests of a package that uses StartPostgres, then stops the cluster. Call it
// from TestMain: func TestMain(m *testing.M) { testdb.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// CreateDatabase creates a new, empty database t_<random> on the server at serverURL for one
// test and returns its URL; the database is dropped when the test ends.
func CreateDatabase(tb testing.TB, serverURL string) string {
	tb.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		tb.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	admin := adminDB(serverURL)
	var b [8]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+createOptions(serverURL)); err != nil {
		tb.Fatalf("testdb: create database %s: %v", name, err)
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	tb.Cleanup(func() {
		if serverURL == os.Getenv(EnvURL) {
			if err := drop(); err != nil {
				tb.Errorf("testdb: drop database %s: %v", name, err)
			}
			return
		}
		// On the throw-away cluster the test need not wait: the server takes up to 100 ms
		// to see the test's sessions end, and Stop waits for the drops.
		drops.Add(1)
		go func() {
			defer drops.Done()
			drop()
		}()
	})
	u.Path = "/" + name
	return u.String()
}

// createOptions returns the options of CREATE DATABASE on the server at serverURL: on the
// throw-away cluster of PostgreSQL 15 or later, copy the template's files rather than write
// them all to the WAL, which takes half the time.
func createOptions(serverURL string) string {
	mu.Lock()
	defer mu.Unlock()
	if running != nil && running.url == serverURL && running.version >= 150000 {
		return " STRATEGY = FILE_COPY"
	}
	return ""
}

// adminDB returns the shared pool for serverURL.
func adminDB(serverURL string) *sql.DB {
	mu.Lock()
	defer mu.Unlock()
	db := admins[serverURL]
	if db == nil {
		db = sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(serverURL)))
		db.SetMaxIdleConns(4)
		admins[serverURL] = db
	}
	return db
}

// unavailableError says why there is no PostgreSQL to test on and how to get one.
type unavailableError struct{ reason string }

func (e *unavailableError) Error() string {
	return "PostgreSQL is not available for tests: " + e.reason + ". Install the server " +
		"(apt-get install postgresql-15) or set " + EnvURL + " to the postgres:// URL of a server " +
		"that may create databases; " + EnvRequire + "=1 makes this a failure instead of a skip"
}

// credential is the user the server runs as when the tests run as root.
type credential struct{ uid, gid uint32 }

// cluster is a running throw-away PostgreSQL server.
type cluster struct {
	dir     string        // the temporary directory: data/, the socket and postgres.log
	url     string        // the URL of its postgres database, as superuser postgres
	version int           // server_version_num, 150018 for 15.18
	cmd     *exec.Cmd     // the server, a child of the test binary
	exited  chan struct{} // closed when the server has exited
	signals chan os.Signal
	quit    chan struct{} // closed by stop, ends the signal watcher
}

// start starts a cluster: initdb, then the server on a free port (another, up to five times,
// when someone else takes the port first).
func start() (*cluster, error) {
	if !supported {
		return nil, &unavailableError{"throw-away clusters are started on Linux only"}
	}
	bindir, err := findBinaries()
	if err != nil {
		return nil, err
	}
	var cred *credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, &unavailableError{"the tests run as root, PostgreSQL refuses to, and there is no postgres user to run it as"}
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		cred = &credential{uint32(uid), uint32(gid)}
	}
	parent := tempParent(cred != nil)
	for _, d := range []string{ramDir, os.TempDir()} {
		sweep(d)
	}
	dir, err := os.MkdirTemp(parent, fmt.Sprintf("rubric-pg-%d-", os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("testdb: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.uid), int(cred.gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testdb: %w", err)
		}
	}
	c := &cluster{dir: dir}
	if err := c.initdb(bindir, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err := c.run(bindir, cred)
		if err == nil {
			break
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	c.watchSignals()
	return c, nil
}

// findBinaries returns the directory of initdb and postgres: pg_config --bindir, else
// PostgreSQL 15's directory on Debian, else wherever PATH finds initdb.
func findBinaries() (string, error) {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	dirs = append(dirs, "/usr/lib/postgresql/15/bin")
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", &unavailableError{"no initdb and postgres in pg_config --bindir, /usr/lib/postgresql/15/bin or PATH"}
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// ramDir is where the cluster lives when it has room: in memory, a database is created in a
// tenth of the time it takes on disk.
const ramDir = "/dev/shm"

// tempParent returns the directory to create the cluster's directory in: ramDir when it has
// a gigabyte free, else os.TempDir(), or /tmp when the server runs as another user who could
// not reach os.TempDir().
func tempParent(otherUser bool) string {
	if freeBytes(ramDir) >= 1<<30 {
		return ramDir
	}
	dir := os.TempDir()
	if !otherUser {
		return dir
	}
	for p := dir; ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if p == filepath.Dir(p) {
			return dir
		}
	}
}

// sweep removes the directories of clusters whose test binary died without cleaning up
// (killed, or timed out) and whose server is gone too.
func sweep(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, "rubric-pg-*"))
	for _, d := range dirs {
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(d), "rubric-pg-%d-", &pid); err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			first, _, _ := strings.Cut(string(b), "\n")
			if pm, err := strconv.Atoi(strings.TrimSpace(first)); err == nil && alive(pm) {
				continue
			}
		}
		os.RemoveAll(d)
	}
}

// command prepares a PostgreSQL program to run in the cluster's directory as cred.
func (c *cluster) command(cred *credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = sysProcAttr(cred)
	return cmd
}

// initdb creates the cluster's data directory: superuser postgres, trusted local connections.
func (c *cluster) initdb(bindir string, cred *credential) error {
	cmd := c.command(cred, filepath.Join(bindir, "initdb"), "--pgdata", filepath.Join(c.dir, "data"),
		"--username", "postgres", "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testdb: initdb: %v\n%s", err, out)
	}
	return nil
}

// errPortTaken means that the server could not listen on the port chosen for it.
var errPortTaken = errors.New("testdb: port taken")

// run starts the server on a free loopback port and waits until it accepts connections. The
// settings trade durability, which a throw-away cluster does not need, for speed, and keep
// everything the server writes, shared memory included, in the cluster's directory.
func (c *cluster) run(bindir string, cred *credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	data := filepath.Join(c.dir, "data")
	logf, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return fmt.Errorf("testdb: %w", err)
	}
	cmd := c.command(cred, filepath.Join(bindir, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+c.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=64MB", "-c", "dynamic_shared_memory_type=mmap")
	cmd.Stdout, cmd.Stderr = logf, logf
	err = cmd.Start()
	logf.Close()
	if err != nil {
		return fmt.Errorf("testdb: start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	c.cmd, c.exited = cmd, exited
	c.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)

	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(c.url)))
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-exited:
			log := c.log()
			if strings.Contains(log, "could not bind") || strings.Contains(log, "could not create any TCP/IP sockets") {
				return errPortTaken
			}
			return fmt.Errorf("testdb: postgres exited while starting (%v):\n%s", cmd.ProcessState, log)
		default:
		}
		// The server answering must be ours, not another one that took the port first.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		var dir string
		err := db.QueryRowContext(ctx, "SELECT current_setting('data_directory'), current_setting('server_version_num')::int").
			Scan(&dir, &c.version)
		cancel()
		switch {
		case err == nil && dir == data:
			return nil
		case err == nil:
			c.kill()
			return errPortTaken
		case time.Now().After(deadline):
			c.kill()
			return fmt.Errorf("testdb: postgres did not accept connections within a minute: %v\n%s", err, c.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testdb: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// log returns the end of the server's log.
func (c *cluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// kill shuts the server down at once and waits for it and its processes to be gone. The
// data is thrown away, so nothing needs to be written first.
func (c *cluster) kill() {
	terminate(c.cmd.Process)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		killGroup(c.cmd.Process.Pid)
		<-c.exited
	}
	killGroup(c.cmd.Process.Pid) // any process the server left behind
}

// stop stops the server and removes the cluster's directory.
func (c *cluster) stop() {
	signal.Stop(c.signals)
	close(c.quit)
	c.kill()
	os.RemoveAll(c.dir)
}

// watchSignals stops the cluster when the test binary is interrupted or terminated, then
// lets the signal take its course.
func (c *cluster) watchSignals() {
	c.signals = make(chan os.Signal, 1)
	c.quit = make(chan struct{})
	signal.Notify(c.signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case sig := <-c.signals:
			Stop()
			signal.Reset(sig)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Signal(sig)
			}
			time.Sleep(time.Second)
			os.Exit(2)
		case <-c.quit:
		}
	}()
}
