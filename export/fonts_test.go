package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The committed single-byte font definitions are what fpdf's MakeFont
// makes of the Go fonts, in every code page, in the module versions go.mod
// names: a new version of either is caught here, not in a PDF whose widths
// disagree with its font. Each names the one font file the PDF embeds.
func TestCodePageFontDefs(t *testing.T) {
	dir, maps := t.TempDir(), codePageMaps(t)
	entries, err := fontDefs.ReadDir("fonts")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2*len(codePages) {
		t.Errorf("%d definitions embedded, want regular and bold in %d code pages", len(entries), len(codePages))
	}
	for name, ttf := range map[string][]byte{"goregular": goregular.TTF, "gobold": gobold.TTF} {
		src := filepath.Join(dir, name+".ttf")
		if err := os.WriteFile(src, ttf, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cp := range codePages {
			dst := filepath.Join(dir, cp.name)
			os.MkdirAll(dst, 0o755)
			if err := fpdf.MakeFont(src, filepath.Join(maps, cp.name+".map"), dst, nil, true); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dst, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			got := cp.def(name)
			if !bytes.Equal(got, want) {
				t.Errorf("export/fonts/%s-%s.json is not MakeFont's: run go generate ./export", name, cp.name)
			}
			var def struct{ File string }
			if err := json.Unmarshal(got, &def); err != nil || def.File != name+".z" {
				t.Errorf("%s-%s.json names the font file %q (%v), want %s.z", name, cp.name, def.File, err, name)
			}
		}
	}
}

// codePageMaps is a directory of the code pages' maps as fonts/gen.go
// gives them to MakeFont: billrun's in fonts/ where there is one, else
// fpdf's.
func codePageMaps(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir := t.TempDir()
	for _, cp := range codePages {
		m, err := os.ReadFile(filepath.Join("fonts", cp.name+".map"))
		if err != nil {
			m, err = os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "font", cp.name+".map"))
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, cp.name+".map"), m, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Each code page's characters are its bytes as fpdf's map (and so the
// font's encoding) has them, and the Go fonts have a glyph for every
// one: a byte the map gives another character would print a wrong
// letter. The C1 controls and U+FFFD map to nothing.
func TestCodePages(t *testing.T) {
	maps := codePageMaps(t)
	fonts := map[string]*sfnt.Font{}
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		fonts[name] = f
	}
	var buf sfnt.Buffer
	for _, cp := range codePages {
		b, err := os.ReadFile(filepath.Join(maps, cp.name+".map"))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var c, r int
			var glyph string
			if _, err := fmt.Sscanf(line, "!%x U+%x %s", &c, &r, &glyph); err != nil {
				t.Fatalf("%s.map: %q: %v", cp.name, line, err)
			}
			if c < 0xA0 && r >= 0x80 && r < 0xA0 || glyph == ".notdef" {
				continue // a control or a hole: not text
			}
			n++
			if got, ok := cp.encode(rune(r)); !ok || int(got) != c {
				t.Errorf("%s: %U is %#x, %v; the map has %#x", cp.name, r, got, ok, c)
			}
			for name, f := range fonts {
				if g, err := f.GlyphIndex(&buf, rune(r)); err != nil || g == 0 {
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
	for text, want := range map[string]string{"Müller €": "cp1252", "Łódź": "iso-8859-2", "Ōsaka Café": "cp1257", "Ακρόπολις": "cp1253", "Москва": "cp1251", "Łódź Ακρόπολις": "", "東京": ""} {
		got := ""
		if cp := pageOf(text); cp != nil {
			got = cp.name
		}
		if got != want {
			t.Errorf("pageOf(%q) = %q, want %q", text, got, want)
		}
	}
	if got := latin1.bytes("Müller €"); got != "M\xfcller \x80" {
		t.Errorf("bytes = %q", got)
	}
}
