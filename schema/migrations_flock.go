//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package schema

import (
	"errors"
	"os"
	"syscall"
)

// tryLockFile takes an exclusive flock on path, creating the file if needed, without waiting:
// ok is false when someone else holds it.
func tryLockFile(path string) (unlock func(), ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return func() {
		_ = syscall.Flock(fd, syscall.LOCK_UN) // closing the file releases it anyway
		f.Close()
	}, true, nil
}
