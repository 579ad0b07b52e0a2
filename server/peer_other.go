//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package server

import "net"

// peerClosed cannot tell on this system: a request then ends with its timeout or the
// server's shutdown only.
func peerClosed(net.Conn) bool { return false }
