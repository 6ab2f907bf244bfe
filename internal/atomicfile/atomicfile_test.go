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
