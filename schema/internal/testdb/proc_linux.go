package testdb

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// supported reports whether StartPostgres can start a cluster on this system.
const supported = true

// sysProcAttr puts a PostgreSQL program in a process group of its own, so that a Ctrl-C
// meant for the tests reaches it only through Stop, has it receive SIGQUIT (immediate
// shutdown) if the test binary dies, and runs it as cred when that is set.
func sysProcAttr(cred *credential) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGQUIT}
	if cred != nil {
		a.Credential = &syscall.Credential{Uid: cred.uid, Gid: cred.gid}
	}
	return a
}

// terminate asks the server for an immediate shutdown.
func terminate(p *os.Process) { p.Signal(syscall.SIGQUIT) }

// killGroup kills the process group led by pid.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// alive reports whether a process pid exists and is not a zombie (a container's init may
// not reap the server once its test binary is gone).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// pid (comm) state …: comm may hold spaces and parentheses, state follows the last ')'.
	_, rest, _ := bytes.Cut(stat[bytes.LastIndexByte(stat, ')')+1:], []byte(" "))
	return len(rest) == 0 || rest[0] != 'Z'
}

// freeBytes returns the space available in the file system holding dir, 0 if unknown.
func freeBytes(dir string) uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}
