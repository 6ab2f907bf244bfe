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

// Text is set run by run: in the Go fonts as single-byte fonts, in the
// first code page that has the whole text; otherwise Windows-1252's
// characters so and the Go fonts' others in them as UTF-8 fonts; and the
// CJK in the fallback font — the Latin letters and digits of a Japanese
// address too (Droid Sans Fallback has none: set in it they were boxes).
func TestMixedRuns(t *testing.T) {
	fb := droidFont(t)
	l2, baltic := pageOf("Łódź"), pageOf("Ōsaka")
	for text, want := range map[string][]run{
		"株式会社 Test 1-1 東京": {{"株式会社", fallback, nil}, {" Test 1-1 ", single, latin1}, {"東京", fallback, nil}},
		"Łódź":             {{"\xa3\xf3d\xbc", single, l2}},
		"Łódź – 12 €":      {{"\xd9\xf3d\xea \x96 12 \x80", single, baltic}},
		"Łódź Ω":           {{"Ł", wide, nil}, {"\xf3d", single, latin1}, {"ź", wide, nil}, {" ", single, latin1}, {"Ω", wide, nil}},
		"Müller":           {{"M\xfcller", single, latin1}},
		"Ōsaka 東京":         {{"\xd4saka ", single, baltic}, {"東京", fallback, nil}},
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
		polish, utf8 := fonts("Łódź", cell)
		if o := others(polish, latinFont[0]); len(o) != 1 || utf8 || slices.Equal(o, others(cjk, latinFont[0])) {
			t.Errorf("cell %v: Polish text set in %v (UTF-8 %v), want one other single-byte font", cell, polish, utf8)
		}
		mixed, utf8 := fonts("Łódź Ω", cell)
		if o := others(mixed, latinFont[0]); len(o) != 1 || !utf8 || !slices.Contains(mixed, latinFont[0]) {
			t.Errorf("cell %v: Polish and Greek set in %v (UTF-8 %v), want the Go font %s and the Go UTF-8 font", cell, mixed, utf8, latinFont[0])
		}
	}
}

func showRuns(rs []run) string {
	var b strings.Builder
	for _, r := range rs {
		cp := "-"
		if r.cp != nil {
			cp = r.cp.name
		}
		fmt.Fprintf(&b, "{%+q %d %s}", r.text, r.class, cp)
	}
	return b.String()
}

// Every font of a PDF is embedded, as PDF/A-3 (Factur-X) requires: the
// two single-byte Go fonts for Latin-1 text, a single-byte Go font in
// another code page for a name one code page has, the UTF-8 Go font for a
// name none has, the fallback for a Japanese one; and each name comes back
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
	fb := droidFont(t)
	var base *pricing.Invoice
	for _, inv := range matrixInvoices(t) {
		if inv.EInvoice == "facturx" && inv.Kind == pricing.KindInvoice {
			base = &inv
			break
		}
	}
	dir := t.TempDir()
	withFallback := NewFonts(fb)
	// the types of the fonts, sorted
	for name, fonts := range map[string][]string{
		"Müller & Söhne GmbH":     {"TrueType", "TrueType"},
		"Łódź Hosting sp. z o.o.": {"TrueType", "TrueType", "TrueType"},
		"Ακρόπολις Α.Ε.":          {"TrueType", "TrueType", "TrueType"},
		"ООО «Москва»":            {"TrueType", "TrueType", "TrueType"},
		"Ōsaka Café SARL":         {"TrueType", "TrueType", "TrueType"},
		"Łódź Ωmega":              {"CID TrueType", "TrueType", "TrueType"},
		"株式会社テスト":                 {"CID TrueType", "TrueType", "TrueType"},
	} {
		inv := *base
		inv.Customer.Name = name
		path := filepath.Join(dir, "x.pdf")
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
}

// Every character of every code page reads back from a PDF as itself
// (pdftotext): a single-byte font's glyph names are how a reader knows
// its text, and fpdf's maps name Δ, Ω and μ as the increment, ohm and
// micro signs (fonts/cp1253.map renames them).
func TestCodePagesReadBack(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (make deps installs poppler-utils)")
		}
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	for i := range codePages {
		cp := &codePages[i]
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
		if got := pageOf(all); got != cp {
			t.Fatalf("%s: its characters are set in %v", cp.name, got)
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

// A document in several code pages embeds each Go font's file once: every
// code page's font refers to the same font file.
func TestCodePagesShareFontFile(t *testing.T) {
	render := func(lines ...string) []byte {
		p := newPage(goFonts, nil)
		p.AddPage()
		p.SetFont("go", "", 10)
		for _, l := range lines {
			p.CellFormat(0, 5, l, "", 1, "L", false, 0, "")
		}
		p.SetFont("go", "B", 10)
		for _, l := range lines {
			p.CellFormat(0, 5, l, "", 1, "L", false, 0, "")
		}
		var b bytes.Buffer
		if err := p.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	latin := render("Müller")
	many := render("Müller", "Łódź", "Ακρόπολις", "Москва", "Ōsaka")
	files := map[string]bool{}
	for _, m := range regexp.MustCompile(`/FontFile2 (\d+) 0 R`).FindAllSubmatch(many, -1) {
		files[string(m[1])] = true
	}
	if fonts := len(regexp.MustCompile(`/Subtype /TrueType`).FindAll(many, -1)); fonts != 10 || len(files) != 2 {
		t.Errorf("%d single-byte fonts referring to %d font files, want 10 (two weights in five code pages) and 2", fonts, len(files))
	}
	// each font adds its widths, descriptor and encoding (some 2 KB); one
	// more copy of a font file would add 69 KB
	if extra := len(many) - len(latin); extra > 24<<10 {
		t.Errorf("four more code pages add %d bytes", extra)
	}
}
