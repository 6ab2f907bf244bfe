// Package atomicfile writes files so that a reader, or a run killed at any
// moment, sees the old content or the new and never a part of it: write a
// temporary file in the same directory, sync, rename, sync the directory.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// WriteFile writes data to a temporary file in path's directory, syncs it
// and renames it into place: path holds the old content or the new, never
// a part of it.
func WriteFile(path string, data []byte) error { return WriteFileMode(path, data, 0o644) }

// WriteFileMode is WriteFile giving the file mode (0o444: read-only).
func WriteFileMode(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir makes a rename in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RemoveStale removes the temporary files WriteFile leaves in dir when it
// is killed between creating one and renaming it.
func RemoveStale(dir string) {
	m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*"))
	for _, f := range m {
		if st, err := os.Lstat(f); err == nil && st.Mode().IsRegular() {
			os.Remove(f)
		}
	}
}

// WriteSynced writes data to path, a new file, and syncs it: for files
// inside a directory that is itself published in one step, which need no
// rename of their own.
func WriteSynced(path string, data []byte) error { return writeNew(path, data, true) }

// WriteNew writes data to path, a new file, without syncing it: for the
// many files of a directory that is itself published in one step, synced
// all at once by SyncFS before it is.
func WriteNew(path string, data []byte) error { return writeNew(path, data, false) }

// writeNew writes data to path, a new file, synced when sync is set.
func writeNew(path string, data []byte, sync bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// CreateNew is WriteNew of what fill writes, streamed to the file
// through a buffer: a large output is never held whole.
func CreateNew(path string, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SyncFS makes every file and directory written on dir's filesystem
// durable, with one syncfs(2): a period's 2,000 PDFs synced one by one
// held a core in each fsync. Since Linux 5.8 it reports a failed
// writeback of any of them.
func SyncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}
