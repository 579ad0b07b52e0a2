//go:build !linux

package testdb

import (
	"os"
	"syscall"
)

// supported reports whether StartPostgres can start a cluster on this system: elsewhere
// than on Linux, use RUBRIC_TEST_POSTGRES.
const supported = false

func sysProcAttr(*credential) *syscall.SysProcAttr { return nil }

func terminate(p *os.Process) { p.Kill() }

func killGroup(int) {}

func alive(int) bool { return true }

func freeBytes(string) uint64 { return 0 }
