//go:build unix

package rrdfetch

import (
	"os"
	"syscall"
)

// openRegular opens name for reading if it is a regular file. O_NONBLOCK
// does nothing to a regular file but keeps a FIFO from blocking the open
// until a writer comes; the type is checked before anything is read.
func openRegular(name string) (*os.File, int64, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	return checkRegular(f, name)
}

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
