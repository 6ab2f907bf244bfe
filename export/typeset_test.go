package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/pricing"
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

// Every font of a PDF is embedded, as PDF/A-3 (Factur-X) requires: the
// two single-byte Go fonts for Latin-1 text, the UTF-8 Go font added for
// a Polish name, the fallback for a Japanese one; and each name comes back
// out of the PDF as written (pdffonts and pdftotext, from poppler-utils).
func TestPDFFontsEmbedded(t *testing.T) {
	for _, tool := range []string{"pdffonts", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing (make deps installs poppler-utils)", tool)
			}
			t.Skip(err)
		}
	}
	fb, err := os.ReadFile(droid)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	var base *pricing.Invoice
	for _, inv := range matrixInvoices(t) {
		if inv.EInvoice == "facturx" && inv.Kind == pricing.KindInvoice {
			base = &inv
			break
		}
	}
	dir := t.TempDir()
	for name, fonts := range map[string]int{"Müller & Söhne GmbH": 2, "Łódź Hosting sp. z o.o.": 3, "株式会社テスト": 3} {
		inv := *base
		inv.Customer.Name = name
		path := filepath.Join(dir, "x.pdf")
		var b bytes.Buffer
		if err := FacturX(&b, &inv, nil, fb); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b.Bytes(), 0o644)
		out, err := exec.Command("pdffonts", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSpace(string(out)), "\n")[2:] // under the header and its rule
		if len(rows) != fonts {
			t.Errorf("%s: %d fonts, want %d:\n%s", name, len(rows), fonts, out)
		}
		for _, r := range rows {
			// a row ends emb, sub, uni and the object number and generation
			f := strings.Fields(r)
			if len(f) < 5 || f[len(f)-5] != "yes" {
				t.Errorf("%s: a font not embedded: %q", name, r)
			}
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), name) {
			t.Errorf("%s: not in the PDF's text:\n%.600s", name, text)
		}
	}
}
