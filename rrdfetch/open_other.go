//go:build !unix

package rrdfetch

import (
	"os"
)

// openRegular opens name for reading if it is a regular file.
func openRegular(name string) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	return checkRegular(f, name)
}

// writeLockProbe is unavailable here; the header comparison alone keeps
// snapshots consistent.
func writeLockProbe(*os.File) func() bool { return nil }
