package document

import (
	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// page is the PDF being written. Its text is set in the Go fonts (regular
// and bold), run by run in the font that has each character: as
// single-byte fonts in Windows-1252 (family "go") what it has; the other
// characters the Go fonts have as UTF-8 fonts ("gou"); what they lack in
// the fallback font ("cjk", one weight), when the invoice needs it. Each
// font but "go" is added when a run first needs it. A CJK fallback such
// as Droid Sans Fallback has no Latin letters or digits: set whole in it,
// "Invoice 2026" would be boxes.
type page struct {
	*fpdf.Fpdf
	fonts    *Fonts
	fallback []byte          // nil: the invoice needs no fallback font
	added    map[string]bool // the fonts added after "go", by family and style
}

// newPage is an A4 page with the Go fonts in Windows-1252, and fallback
// for what they lack (nil: no fallback).
func newPage(fonts *Fonts, fallback []byte) *page {
	p := &page{Fpdf: fpdf.New("P", "mm", "A4", ""), fonts: fonts, fallback: fallback}
	// Page contents are written as they are, not deflated: fpdf makes a
	// new zlib writer for every stream it compresses, which costs far more
	// than the few KB a page it saves (docs/performance.md).
	p.SetCompression(false)
	p.AddFontFromBytes(latin1.family, "", latin1.def("goregular"), fonts.regularZ)
	p.AddFontFromBytes(latin1.family, "B", latin1.def("gobold"), fonts.boldZ)
	return p
}

// class is the kind of font a character is set in.
type class uint8

const (
	single   class = iota // a code page: the Go fonts, single-byte
	wide                  // the rest of the Go fonts' characters: the Go fonts, UTF-8
	fallback              // what the Go fonts lack: the fallback font
)

// run is a stretch of text set in one font, as that font takes it:
// Windows-1252 bytes for single, UTF-8 for the others.
type run struct {
	text  string
	class class
}

// runs splits s into the stretches each font sets: Windows-1252's
// characters in it, the Go fonts' others in them as UTF-8, and those the
// Go fonts lack in the fallback when there is one.
func (p *page) runs(s string) []run {
	var buf sfnt.Buffer
	set := p.fonts.glyphs()
	var out []run
	for _, r := range s {
		rn := run{text: string(r), class: wide}
		if b, ok := latin1.encode(r); ok {
			rn = run{text: string([]byte{b}), class: single}
		} else if p.fallback != nil && !set.InGo(r, &buf) {
			rn.class = fallback
		}
		if n := len(out); n > 0 && out[n-1].class == rn.class {
			out[n-1].text += rn.text
		} else {
			out = append(out, rn)
		}
	}
	return out
}

// font sets run r's font at size, the Go fonts in style, adding the
// fonts the first time a run needs them.
func (p *page) font(r run, style string, size float64) {
	switch r.class {
	case single:
		p.SetFont(latin1.family, style, size)
	case wide:
		ttf := goregular.TTF
		if style == "B" {
			ttf = gobold.TTF
		}
		p.add("gou", style, func() { p.AddUTF8FontFromBytes("gou", style, ttf) })
		p.SetFont("gou", style, size)
	case fallback:
		p.add("cjk", "", func() { p.AddUTF8FontFromBytes("cjk", "", p.fallback) })
		p.SetFont("cjk", "", size)
	}
}

// add adds a font the first time it is needed: a UTF-8 font costs a
// parse of the font and a subset of it per document.
func (p *page) add(family, style string, add func()) {
	if k := family + style; !p.added[k] {
		if p.added == nil {
			p.added = map[string]bool{}
		}
		add()
		p.added[k] = true
	}
}

// CellFormat is fpdf's, with each run of s in its font.
func (p *page) CellFormat(w, h float64, s, border string, ln int, align string, fill bool, link int, linkURL string) {
	if latin1.has(s) {
		p.Fpdf.CellFormat(w, h, latin1.bytes(s), border, ln, align, fill, link, linkURL)
		return
	}
	rs := p.runs(s)
	style := p.GetFontStyle()
	size, _ := p.GetFontSize()
	widths := make([]float64, len(rs))
	total := 0.0
	for i, r := range rs {
		p.font(r, style, size)
		widths[i] = p.GetStringWidth(r.text)
		total += widths[i]
	}
	x, y := p.GetXY()
	left, _, right, _ := p.GetMargins()
	if pw, _ := p.GetPageSize(); w == 0 {
		w = pw - right - x
	}
	p.SetFont(latin1.family, style, size)
	p.Fpdf.CellFormat(w, h, "", border, 0, "", fill, link, linkURL) // the box
	m := p.GetCellMargin()
	cur := x + m
	switch align {
	case "R":
		cur = x + w - m - total
	case "C":
		cur = x + (w-total)/2
	}
	for i, r := range rs {
		p.font(r, style, size)
		p.SetXY(cur-m, y)
		p.Fpdf.CellFormat(widths[i]+2*m, h, r.text, "", 0, "L", false, 0, "")
		cur += widths[i]
	}
	p.SetFont(latin1.family, style, size)
	switch ln {
	case 1:
		p.SetXY(left, y+h)
	case 2:
		p.SetXY(x, y+h)
	default:
		p.SetXY(x+w, y)
	}
}

// MultiCell is fpdf's (left-aligned, no border), with each run of s in
// its font: written as flowing text between the cell's edges.
func (p *page) MultiCell(w, h float64, s, border, align string, fill bool) {
	if latin1.has(s) {
		p.Fpdf.MultiCell(w, h, latin1.bytes(s), border, align, fill)
		return
	}
	style := p.GetFontStyle()
	size, _ := p.GetFontSize()
	left, _, right, _ := p.GetMargins()
	x := p.GetX()
	pw, _ := p.GetPageSize()
	if w == 0 {
		w = pw - right - x
	}
	p.SetLeftMargin(x)
	p.SetRightMargin(pw - x - w)
	for _, r := range p.runs(s) {
		p.font(r, style, size)
		p.Write(h, r.text)
	}
	p.SetFont(latin1.family, style, size)
	p.Ln(h)
	p.SetLeftMargin(left)
	p.SetRightMargin(right)
	p.SetX(left)
}

// lines is how many lines MultiCell sets s in at width w: exact for text
// Windows-1252 has, and otherwise counting each character it lacks as a
// '?' of the Go font.
func (p *page) lines(s string, w float64) int {
	return len(p.Fpdf.SplitLines([]byte(latin1.bytes(s)), w))
}
