//go:build linux || darwin || freebsd || netbsd || openbsd

package rrdfetch

import (
	"io"
	"os"
	"syscall"
)

// fdFile is an open file read with pread on its descriptor. os.File
// costs more than billrun reads: os.Open tries to register a regular
// file with the network poller (four system calls that fail), os.NewFile
// checks the descriptor's flags (one more), and each takes allocations
// and a cleanup; a run over thousands of files notices all of it.
type fdFile struct {
	fd   int
	name string
}

// openFile opens name for reading and returns it with its size.
func openFile(name string) (*fdFile, int64, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		switch err {
		case nil:
			f := &fdFile{fd: fd, name: name}
			var st syscall.Stat_t
			if err := ignoringEINTR(func() error { return syscall.Fstat(fd, &st) }); err != nil {
				f.Close()
				return nil, 0, &os.PathError{Op: "stat", Path: name, Err: err}
			}
			return f, st.Size, nil
		case syscall.EINTR:
			continue
		}
		return nil, 0, &os.PathError{Op: "open", Path: name, Err: err}
	}
}

// ReadAt is io.ReaderAt's: len(b) bytes unless the file ends first.
func (f *fdFile) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		var m int
		err := ignoringEINTR(func() (err error) { m, err = syscall.Pread(f.fd, b[n:], off+int64(n)); return err })
		if err != nil {
			return n, &os.PathError{Op: "read", Path: f.name, Err: err}
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

// Close closes the descriptor.
func (f *fdFile) Close() error {
	if err := syscall.Close(f.fd); err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

// writeLockProbe asks the kernel (F_GETLK, which takes no lock itself)
// whether another process holds a write lock on f: rrdtool update and
// rrdcached hold one while they write.
func writeLockProbe(f *fdFile) func() bool {
	return func() bool {
		lk := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: 0, Start: 0, Len: 0}
		if err := syscall.FcntlFlock(uintptr(f.fd), syscall.F_GETLK, &lk); err != nil {
			return false
		}
		return lk.Type == syscall.F_WRLCK
	}
}
