package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// A rewrite replaces the whole file and leaves no temporary file behind.
func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	for _, c := range []string{"first", "second, longer"} {
		if err := WriteFile(p, []byte(c)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != c {
			t.Fatalf("content %q, want %q", b, c)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

// WriteNew makes a new file only: a name taken (a stale output, a link an
// attacker placed) is an error, not overwritten. SyncFS names what it
// cannot open.
func TestWriteNewAndSyncFS(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pdf")
	if err := WriteNew(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(p, []byte("two")); !os.IsExist(err) {
		t.Errorf("second WriteNew: %v, want a file-exists error", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("content %q, want the first write's", b)
	}
	if err := SyncFS(dir); err != nil {
		t.Errorf("SyncFS: %v", err)
	}
	if err := SyncFS(filepath.Join(dir, "missing")); err == nil {
		t.Error("SyncFS of a missing directory: no error")
	}
}
