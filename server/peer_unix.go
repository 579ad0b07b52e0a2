//go:build linux || darwin || freebsd || netbsd || openbsd

package server

import (
	"net"
	"syscall"
)

// peerClosed reports whether the client closed conn: a peek at the socket, which takes
// nothing from it, finds its end. A connection that is not a socket is never closed.
func peerClosed(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		closed = n == 0 && err == nil || err == syscall.ECONNRESET
		return true // never wait
	})
	return closed || err != nil
}
