//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package rrdfetch

import "os"

func openFile(name string) (*os.File, error) { return os.Open(name) }
