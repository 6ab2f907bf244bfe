package inputfile

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every kind of file that is not a regular one is refused at once: a FIFO
// with no writer (which blocks a plain open), a directory, a device, a
// symlink loop; a file over the limit is refused before it is read.
func TestOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 100), 0o644)
	for name, want := range map[string]string{
		fifo: "not a regular file", dir: "not a regular file", "/dev/zero": "not a regular file",
		loop: "too many levels of symbolic links", big: "more than the 99",
	} {
		start := time.Now()
		_, err := ReadFile(name, 99)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want an error naming it and saying %q", name, err, want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: answered after %v", name, d)
		}
	}
	if b, err := ReadFile(big, 100); err != nil || len(b) != 100 {
		t.Errorf("a file at the limit: %d bytes, %v", len(b), err)
	}
}

// A file is read into one buffer of its size, not through copies of a
// buffer grown as it fills (4 MB of a font cost some twenty of them).
func TestReadFileOneBuffer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "font.ttf")
	want := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := ReadFile(path, 64<<20)
	runtime.ReadMemStats(&after)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("ReadFile: %d bytes, %v", len(got), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > uint64(len(want))+64<<10 {
		t.Errorf("%d bytes allocated to read %d", n, len(want))
	}
}
