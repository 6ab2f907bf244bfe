package inputfile

import (
	"os"
	"path/filepath"
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
