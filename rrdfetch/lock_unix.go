//go:build linux || darwin || freebsd || netbsd || openbsd

package rrdfetch

import (
	"os"
	"syscall"
)

// writeLockProbe asks the kernel (F_GETLK, which takes no lock itself)
// whether another process holds a write lock on f: rrdtool update and
// rrdcached hold one while they write.
func writeLockProbe(f *os.File) func() bool {
	return func() bool {
		lk := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: 0, Start: 0, Len: 0}
		if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
			return false
		}
		return lk.Type == syscall.F_WRLCK
	}
}
