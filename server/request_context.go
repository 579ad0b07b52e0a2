package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// requestTimeout is the longest a request may work: as long as the connection's write
// timeout, after which its answer could not be sent anyway.
const requestTimeout = time.Minute

// watchInterval is how often a request that is still running checks that its client is
// still there and that the server is not shutting down.
const watchInterval = 100 * time.Millisecond

// Why a request's context ends before its handler does.
var (
	errClientGone = errors.New("the client closed the connection")
	errShutdown   = errors.New("the server is shutting down")
)

// requestContext gives every request a context of its own (c.UserContext()), which the
// handlers pass to every store call and import: it is cancelled when the client closes the
// connection, when the server shuts down and after requestTimeout, so that the work of a
// request nobody waits for stops and its transaction rolls back (issue 11: an import ran on
// for 95 s after its client gave up, and shutdown waited for it). Fiber v2 gives handlers a
// context that is never cancelled; fasthttp only closes a channel on shutdown. A request that
// runs longer than watchInterval checks both every watchInterval; a quick one costs a timer.
func (a *api) requestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeoutCause(context.Background(), requestTimeout, context.DeadlineExceeded)
	ctx, cancelCause := context.WithCancelCause(ctx)
	w := &watch{rc: c.Context(), conn: c.Context().Conn(), cancel: cancelCause}
	// Under w.mu: the timer may fire before AfterFunc returns, and check reads w.timer.
	w.mu.Lock()
	w.timer = time.AfterFunc(watchInterval, w.check)
	w.mu.Unlock()
	c.SetUserContext(ctx)
	defer func() {
		w.stop()
		cancelCause(nil)
		cancel()
	}()
	return c.Next()
}

// watch checks a running request's connection and server.
type watch struct {
	mu     sync.Mutex
	done   bool // the handler returned: rc belongs to another request now
	rc     interface{ Done() <-chan struct{} }
	conn   net.Conn
	timer  *time.Timer
	cancel context.CancelCauseFunc
}

func (w *watch) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	select {
	case <-w.rc.Done():
		w.cancel(errShutdown)
		return
	default:
	}
	if peerClosed(w.conn) {
		w.cancel(errClientGone)
		return
	}
	w.timer.Reset(watchInterval)
}

func (w *watch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	w.timer.Stop()
}
