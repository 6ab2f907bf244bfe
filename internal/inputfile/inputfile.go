// Package inputfile opens the files billrun is given to read (the config,
// the inventory, a usage JSON, the invoice font) so that no such file can
// hang a run or exhaust its memory: only a regular file is read, the open
// never blocks (a FIFO would block open(2) until a writer came), and a
// whole-file read is refused past a size fit for its kind.
package inputfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Open opens path for reading if it is a regular file. It opens with
// O_NONBLOCK, which does nothing to a regular file but keeps a FIFO from
// blocking the open, then checks the type before anything is read.
func Open(path string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	return f, st, nil
}

// ReadFile reads the regular file path whole, refusing one larger than
// limit bytes before reading it (and one that grows past it while read).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d this file may have", path, st.Size(), limit)
	}
	// Grown to the size the file has now, the buffer is read into in
	// place, as os.ReadFile does: from empty it would grow by copies.
	var b bytes.Buffer
	b.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(b.Len()) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes this file may have", path, limit)
	}
	return b.Bytes(), nil
}
