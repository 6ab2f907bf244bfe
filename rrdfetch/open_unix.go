//go:build unix

package rrdfetch

import (
	"fmt"
	"os"
	"syscall"
)

// openRegular opens name for reading and returns it with its size. It
// opens with O_NONBLOCK, so that a FIFO does not block the open, and
// refuses anything but a regular file before reading a byte.
func openRegular(name string) (*os.File, int64, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file (%s)", name, st.Mode().Type())
	}
	return f, st.Size(), nil
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
