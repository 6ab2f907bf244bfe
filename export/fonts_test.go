package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The committed single-byte font definitions are what fpdf's MakeFont
// makes of the Go fonts in the module versions go.mod names: a new
// version of either is caught here, not in a PDF whose widths disagree
// with its font.
func TestWinAnsiFontDefs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	cp := filepath.Join(strings.TrimSpace(string(out)), "font", "cp1252.map")
	dir := t.TempDir()
	for name, c := range map[string]struct{ ttf, def []byte }{"goregular": {goregular.TTF, goRegularDef}, "gobold": {gobold.TTF, goBoldDef}} {
		src := filepath.Join(dir, name+".ttf")
		if err := os.WriteFile(src, c.ttf, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := fpdf.MakeFont(src, cp, dir, nil, true); err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.def, want) {
			t.Errorf("export/fonts/%s.json is not MakeFont's: run go generate ./export", name)
		}
	}
}

// Every character of Windows-1252 (the C1 controls aside) maps to its
// byte, and nothing else maps.
func TestWinAnsi(t *testing.T) {
	for r, b := range map[rune]int{'A': 'A', 'é': 0xE9, 'ß': 0xDF, '€': 0x80, '–': 0x96, '·': 0xB7, '\u00a0': 0xA0, 'Ł': -1, 'я': -1, '東': -1, 0x81: -1, 0x9D: -1} {
		got, ok := winAnsi(r)
		if b < 0 && ok || b >= 0 && (!ok || int(got) != b) {
			t.Errorf("winAnsi(%U) = %#x, %v; want %#x", r, got, ok, b)
		}
	}
	if got := toWinAnsi("Müller €"); got != "M\xfcller \x80" {
		t.Errorf("toWinAnsi = %q", got)
	}
}
