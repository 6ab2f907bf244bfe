//go:build linux || darwin || freebsd || netbsd || openbsd

package rrdfetch

import (
	"os"
	"syscall"
)

// openFile opens name for reading. os.Open would also try to register a
// regular file with the network poller, which fails and costs four system
// calls per file: a run over thousands of files notices.
func openFile(name string) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		switch err {
		case nil:
			return os.NewFile(uintptr(fd), name), nil
		case syscall.EINTR:
			continue
		}
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
}
