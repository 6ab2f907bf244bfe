package export

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"testing"
)

const droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// Text is set run by run: Windows-1252 in the Go fonts as single-byte
// fonts, the Go fonts' other characters in them as UTF-8 fonts, and the
// CJK in the fallback font — the Latin letters and digits of a Japanese
// address too (Droid Sans Fallback has none: set in it they were boxes).
func TestMixedRuns(t *testing.T) {
	fb, err := os.ReadFile(droid)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	for text, want := range map[string][]run{
		"株式会社 Test 1-1 東京": {{"株式会社", fallback}, {" Test 1-1 ", latin}, {"東京", fallback}},
		"Łódź – 12 €":      {{"Ł", wide}, {"\xf3d", latin}, {"ź", wide}, {" \x96 12 \x80", latin}},
		"Müller":           {{"M\xfcller", latin}},
	} {
		if got := newPage(fb).runs(text); !slices.Equal(got, want) {
			t.Errorf("runs(%q) = %+q, want %+q", text, got, want)
		}
	}
	fonts := func(text string, cell bool) []string {
		p := newPage(fb)
		p.SetCompression(false)
		p.AddPage()
		p.SetFont("go", "", 10)
		if cell {
			p.CellFormat(80, 5, text, "", 1, "R", false, 0, "")
		} else {
			p.MultiCell(40, 5, text, "", "L", false)
		}
		var b bytes.Buffer
		if err := p.Output(&b); err != nil {
			t.Fatal(err)
		}
		// the fonts selected in the page's content, in order, each once
		var out []string
		for _, m := range regexp.MustCompile(`/(F[0-9a-f]+) [\d.]+ Tf`).FindAllSubmatch(b.Bytes(), -1) {
			if f := string(m[1]); len(out) == 0 || out[len(out)-1] != f {
				out = append(out, f)
			}
		}
		return out
	}
	distinct := func(f []string) []string { slices.Sort(f); return slices.Compact(f) }
	for _, cell := range []bool{true, false} {
		latinFont := fonts("Rechnung 2026 Müller €", cell)
		if len(latinFont) != 1 {
			t.Fatalf("cell %v: Windows-1252 text set in %v, want one font", cell, latinFont)
		}
		cjk := distinct(fonts("株式会社 Test 1-1 東京", cell))
		if len(cjk) != 2 || !slices.Contains(cjk, latinFont[0]) {
			t.Errorf("cell %v: mixed text set in %v, want the Go font %s and the fallback", cell, cjk, latinFont[0])
		}
		polish := distinct(fonts("Łódź", cell))
		if len(polish) != 2 || !slices.Contains(polish, latinFont[0]) || slices.Equal(polish, cjk) {
			t.Errorf("cell %v: Polish text set in %v, want the Go font %s and the Go UTF-8 font", cell, polish, latinFont[0])
		}
	}
}
