package export

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
)

const droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// A text the Go fonts cannot print whole is set run by run: the CJK in
// the fallback font, the Latin letters and digits (which Droid Sans
// Fallback does not have: set in it they were boxes) in Go's.
func TestMixedRuns(t *testing.T) {
	got := runs("株式会社 Test 1-1 東京")
	want := []run{{"株式会社", true}, {" Test 1-1 ", false}, {"東京", true}}
	if !slices.Equal(got, want) {
		t.Errorf("runs %+v, want %+v", got, want)
	}
	fb, err := os.ReadFile(droid)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	fonts := func(text string, cell bool) []string {
		p := &page{Fpdf: fpdf.New("P", "mm", "A4", ""), mixed: true}
		p.SetCompression(false)
		p.AddUTF8FontFromBytes("go", "", goregular.TTF)
		p.AddUTF8FontFromBytes("cjk", "", fb)
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
	for _, cell := range []bool{true, false} {
		if f := fonts("Invoice 2026", cell); len(f) != 1 {
			t.Errorf("cell %v: Latin text set in %v, want one font", cell, f)
		}
		f := fonts("株式会社 Test 1-1 東京", cell)
		if len(f) < 3 || f[len(f)-3] == f[len(f)-2] || f[len(f)-3] != f[len(f)-1] {
			t.Errorf("cell %v: mixed text set in %v, want fallback, Go, fallback", cell, f)
		}
	}
}
