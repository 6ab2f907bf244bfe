package document

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/einvoicecheck"
	"github.com/billrun/billrun/internal/pricing"
)

const droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// droidFont is Debian's CJK fallback font; without it the test is skipped,
// and fails in CI, where make deps installs it.
func droidFont(t *testing.T) []byte {
	t.Helper()
	fb, err := os.ReadFile(droid)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	return fb
}

// Text is set run by run: in the Go fonts as single-byte fonts what
// Windows-1252 has, the Go fonts' other characters in them as UTF-8 fonts,
// and the CJK in the fallback font — the Latin letters and digits of a
// Japanese address too (Droid Sans Fallback has none: set in it they were
// boxes).
func TestMixedRuns(t *testing.T) {
	fb := droidFont(t)
	for text, want := range map[string][]run{
		"株式会社 Test 1-1 東京": {{"株式会社", fallback}, {" Test 1-1 ", single}, {"東京", fallback}},
		"Łódź":             {{"Ł", wide}, {"\xf3d", single}, {"ź", wide}},
		"Łódź – 12 €":      {{"Ł", wide}, {"\xf3d", single}, {"ź", wide}, {" \x96 12 \x80", single}},
		"Москва Ω":         {{"Москва", wide}, {" ", single}, {"Ω", wide}},
		"Müller":           {{"M\xfcller", single}},
		"Ōsaka 東京":         {{"Ō", wide}, {"saka ", single}, {"東京", fallback}},
	} {
		if got := newPage(NewFonts(fb), fb).runs(text); !slices.Equal(got, want) {
			t.Errorf("runs(%q) = %s, want %s", text, showRuns(got), showRuns(want))
		}
	}
	// fonts are the fonts selected in the page's content, in order, each
	// once, and whether the document has a UTF-8 font (Identity-H)
	fonts := func(text string, cell bool) ([]string, bool) {
		p := newPage(NewFonts(fb), fb)
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
		var out []string
		for _, m := range regexp.MustCompile(`/(F[0-9a-f]+) [\d.]+ Tf`).FindAllSubmatch(b.Bytes(), -1) {
			if f := string(m[1]); len(out) == 0 || out[len(out)-1] != f {
				out = append(out, f)
			}
		}
		return out, bytes.Contains(b.Bytes(), []byte("/Identity-H"))
	}
	distinct := func(f []string) []string { slices.Sort(f); return slices.Compact(f) }
	others := func(f []string, latin string) []string {
		return slices.DeleteFunc(distinct(slices.Clone(f)), func(s string) bool { return s == latin })
	}
	for _, cell := range []bool{true, false} {
		latinFont, utf8 := fonts("Rechnung 2026 Müller €", cell)
		if len(latinFont) != 1 || utf8 {
			t.Fatalf("cell %v: Windows-1252 text set in %v (UTF-8 %v), want one single-byte font", cell, latinFont, utf8)
		}
		cjk, utf8 := fonts("株式会社 Test 1-1 東京", cell)
		if o := others(cjk, latinFont[0]); len(o) != 1 || !slices.Contains(cjk, latinFont[0]) || !utf8 {
			t.Errorf("cell %v: mixed text set in %v, want the Go font %s and the fallback", cell, cjk, latinFont[0])
		}
		cyrillic, utf8 := fonts("Москва", cell)
		if o := others(cyrillic, latinFont[0]); len(o) != 1 || !utf8 || slices.Equal(o, others(cjk, latinFont[0])) {
			t.Errorf("cell %v: Cyrillic text set in %v (UTF-8 %v), want the Go UTF-8 font", cell, cyrillic, utf8)
		}
	}
}

func showRuns(rs []run) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "{%+q %d}", r.text, r.class)
	}
	return b.String()
}

// Every font of a PDF is embedded, as PDF/A-3 (Factur-X) requires: the
// two single-byte Go fonts for Windows-1252 text, the UTF-8 Go fonts for
// the characters it lacks, the fallback for a Japanese name; each name
// comes back out of the PDF as written (pdffonts and pdftotext, from
// poppler-utils); and every such Factur-X PDF is PDF/A (validate --pdfa),
// which a code page's /Differences encoding was not.
func TestPDFFontsEmbedded(t *testing.T) {
	for _, tool := range []string{"pdffonts", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing (make deps installs poppler-utils)", tool)
			}
			t.Skip(err)
		}
	}
	fb := droidFont(t)
	var base *pricing.Invoice
	for _, inv := range matrixInvoices(t) {
		if inv.EInvoice == "facturx" && inv.Kind == pricing.KindInvoice {
			base = &inv
			break
		}
	}
	dir := t.TempDir()
	var files []string
	names := map[string]string{}
	withFallback := NewFonts(fb)
	// the types of the fonts, sorted
	for name, fonts := range map[string][]string{
		"Müller & Söhne GmbH":     {"TrueType", "TrueType"},
		"Łódź Hosting sp. z o.o.": {"CID TrueType", "TrueType", "TrueType"},
		"Ακρόπολις Α.Ε.":          {"CID TrueType", "TrueType", "TrueType"},
		"ООО «Москва»":            {"CID TrueType", "TrueType", "TrueType"},
		"Ōsaka Café SARL":         {"CID TrueType", "TrueType", "TrueType"},
		"Łódź Ωmega":              {"CID TrueType", "TrueType", "TrueType"},
		"株式会社テスト":                 {"CID TrueType", "TrueType", "TrueType"},
	} {
		inv := *base
		inv.Customer.Name = name
		path := filepath.Join(dir, fmt.Sprintf("%d.pdf", len(files)))
		files = append(files, path)
		names[path] = name
		var b bytes.Buffer
		if err := FacturX(&b, withFallback.Prepare(&inv), nil); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b.Bytes(), 0o644)
		out, err := exec.Command("pdffonts", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSpace(string(out)), "\n")[2:] // under the header and its rule
		var types []string
		for _, r := range rows {
			types = append(types, strings.TrimSpace(r[37:54])) // pdffonts' type column
		}
		slices.Sort(types)
		if !slices.Equal(types, fonts) {
			t.Errorf("%s: fonts %q, want %q:\n%s", name, types, fonts, out)
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
	if einvoicecheck.Tool() == "" && os.Getenv("CI") == "" {
		return // the rest needs the official validator
	}
	for f, failed := range einvoicecheck.PDFAFailures(t, files...) {
		if len(failed) > 0 {
			t.Errorf("%s (%s):\n  %s", f, names[f], strings.Join(failed, "\n  "))
		}
	}
}

// Every character of Windows-1252 reads back from a PDF as itself
// (pdftotext): a single-byte font's glyph names are how a reader knows
// its text.
func TestCodePagesReadBack(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (make deps installs poppler-utils)")
		}
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	for _, cp := range []*codePage{latin1} {
		var chars []rune
		for b := 0x21; b < 0x100; b++ {
			r := cp.cm.DecodeByte(byte(b))
			if _, ok := cp.encode(r); ok && r != 0x7F && r != 0xA0 && r != 0xAD { // a control and what pdftotext reads as spaces
				chars = append(chars, r)
			}
		}
		p := newPage(goFonts, nil)
		p.AddPage()
		p.SetFont("go", "", 10)
		// every character of the code page, set in it
		all := string(chars)
		if !cp.has(all) {
			t.Fatalf("%s: not all its characters are set in it", cp.name)
		}
		p.MultiCell(0, 5, all, "", "L", false)
		var b bytes.Buffer
		if err := p.Output(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-raw", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		got := []rune(strings.Join(strings.Fields(string(out)), ""))
		if len(got) != len(chars) {
			t.Errorf("%s: %d characters read back, want %d:\n%s", cp.name, len(got), len(chars), out)
			continue
		}
		for j := range chars {
			if got[j] != chars[j] {
				t.Errorf("%s: %U %q reads back as %U %q", cp.name, chars[j], chars[j], got[j], got[j])
			}
		}
	}
}

// A Japanese invoice's PDF takes the fallback font cut down to its own
// characters: the same bytes whether the cut was made for it, kept from
// an earlier invoice with the same characters, or made after invoices
// with others; its text reads back; and the cut font is a small part of
// the 4 MB font.
func TestFallbackCut(t *testing.T) {
	fb := droidFont(t)
	base := matrixInvoices(t)[0]
	render := func(fonts *Fonts, name string) []byte {
		inv := base
		inv.Customer.Name = name
		var b bytes.Buffer
		if err := PDF(&b, fonts.Prepare(&inv), nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	fonts := NewFonts(fb)
	first := render(fonts, "株式会社テスト")
	if again := render(fonts, "株式会社テスト"); !bytes.Equal(first, again) {
		t.Error("the PDF from a kept cut differs")
	}
	render(fonts, "東京電力株式会社")
	if n := len(fonts.cuts); n != 2 {
		t.Errorf("%d cuts kept for two sets of characters", n)
	}
	fresh := NewFonts(fb)
	render(fresh, "東京電力株式会社")
	if after := render(fresh, "株式会社テスト"); !bytes.Equal(first, after) {
		t.Error("the PDF depends on the invoices rendered before it")
	}
	inv := base
	inv.Customer.Name = "株式会社テスト"
	if cut := fonts.Prepare(&inv).fallback(); len(cut) > len(fb)/100 {
		t.Errorf("the cut font is %d bytes of %d", len(cut), len(fb))
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	os.WriteFile(path, first, 0o644)
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil || !strings.Contains(string(out), "株式会社テスト") {
			t.Errorf("the name does not read back (%v):\n%.400s", err, out)
		}
	}
}
