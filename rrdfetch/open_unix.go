//go:build unix

package rrdfetch

import (
	"os"
	"syscall"
)

// writeLockProbe asks the kernel (F_GETLK, which takes no lock itself)
// whether another process holds a write lock on f: rrdtool update and
// rrdcached hold one while they write.
func writeLockProbe(f *os.File) func() bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return func() bool {
		locked := false
		rc.Control(func(fd uintptr) {
			lk := syscall.Flock_t{Type: syscall.F_RDLCK}
			locked = syscall.FcntlFlock(fd, syscall.F_GETLK, &lk) == nil && lk.Type == syscall.F_WRLCK
		})
		return locked
	}
}
