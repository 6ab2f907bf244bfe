package document

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The committed single-byte font definitions are what fonts/gen.go makes
// with fpdf's MakeFont of the Go fonts, in Windows-1252, in the module
// versions go.mod names: a new version of either is caught here, not in a
// PDF whose widths disagree with its font. Each names the one font file
// the PDF embeds.
func TestCodePageFontDefs(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("go", "run", "fonts/gen.go", "-out", dir).CombinedOutput(); err != nil {
		t.Fatalf("go run fonts/gen.go: %v\n%s", err, out)
	}
	made, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := fontDefs.ReadDir("fonts")
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 2 || len(committed) != len(made) {
		t.Errorf("gen made %d definitions and %d are embedded, want regular and bold", len(made), len(committed))
	}
	for _, name := range []string{"goregular", "gobold"} {
		for _, cp := range []*codePage{latin1} {
			want, err := os.ReadFile(filepath.Join(dir, name+"-"+cp.name+".json"))
			if err != nil {
				t.Fatal(err) // gen's code page is not latin1
			}
			got := cp.def(name)
			if !bytes.Equal(got, want) {
				t.Errorf("export/document/fonts/%s-%s.json is not what gen makes: run go generate ./export/document", name, cp.name)
			}
			var def struct{ File string }
			if err := json.Unmarshal(got, &def); err != nil || def.File != name+".z" {
				t.Errorf("%s-%s.json names the font file %q (%v), want %s.z", name, cp.name, def.File, err, name)
			}
		}
	}
}

// Windows-1252's characters encode as their bytes, and the Go fonts have
// a glyph for every one. The C1 controls and U+FFFD do not encode. (That
// the fonts' encoding gives the same characters, a reader checks:
// TestCodePagesReadBack.)
func TestCodePages(t *testing.T) {
	fonts := map[string]*sfnt.Font{}
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		fonts[name] = f
	}
	var buf sfnt.Buffer
	for _, cp := range []*codePage{latin1} {
		n := 0
		for c := 0x20; c < 0x100; c++ {
			r := cp.cm.DecodeByte(byte(c))
			if r == utf8.RuneError || r >= 0x80 && r < 0xA0 || r == 0x7F {
				continue // a hole or a control: not text
			}
			n++
			if got, ok := cp.encode(r); !ok || int(got) != c {
				t.Errorf("%s: %U is %#x, %v; want %#x", cp.name, r, got, ok, c)
			}
			for name, f := range fonts {
				if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
					t.Errorf("%s: Go %s has no %U", cp.name, name, r)
				}
			}
		}
		if n < 190 { // the printable ASCII and 0xA0–0xFF at least
			t.Errorf("%s: %d characters, want a code page's", cp.name, n)
		}
		for _, r := range []rune{0x81, 0x9D, 0xFFFD, '東'} {
			if b, ok := cp.encode(r); ok {
				t.Errorf("%s: %U encodes as %#x", cp.name, r, b)
			}
		}
	}
	for text, want := range map[string]bool{"Müller €": true, "Łódź": false, "Ακρόπολις": false, "Москва": false, "東京": false} {
		if got := latin1.has(text); got != want {
			t.Errorf("latin1.has(%q) = %v", text, got)
		}
	}
	if got := latin1.bytes("Müller €"); got != "M\xfcller \x80" {
		t.Errorf("bytes = %q", got)
	}
}
