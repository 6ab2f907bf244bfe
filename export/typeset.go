package export

import (
	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// page is the PDF being written. Its text is set in the Go fonts (family
// "go", regular and bold), run by run in the font that has each
// character: Windows-1252 text in the Go fonts as single-byte fonts; the
// other characters the Go fonts have in them as UTF-8 fonts ("gou"); what
// they lack in the fallback font ("cjk", one weight), when the invoice
// needs it. Each UTF-8 font is added when a run first needs it. A CJK
// fallback such as Droid Sans Fallback has no Latin letters or digits:
// set whole in it, "Invoice 2026" would be boxes.
type page struct {
	*fpdf.Fpdf
	fallback []byte          // nil: the invoice needs no fallback font
	added    map[string]bool // the UTF-8 fonts added, by family and style
}

// newPage is an A4 page with the Go fonts as single-byte fonts, and
// fallback for what they lack (nil: no fallback).
func newPage(fallback []byte) *page {
	p := &page{Fpdf: fpdf.New("P", "mm", "A4", ""), fallback: fallback}
	regular, bold := winAnsiFonts()
	p.AddFontFromBytes("go", "", goRegularDef, regular)
	p.AddFontFromBytes("go", "B", goBoldDef, bold)
	return p
}

// class is the font a character is set in.
type class uint8

const (
	latin    class = iota // Windows-1252: the Go fonts, single-byte
	wide                  // the rest of the Go fonts' characters: the Go fonts, UTF-8
	fallback              // what the Go fonts lack: the fallback font
)

// run is a stretch of text set in one font, as that font takes it:
// Windows-1252 bytes for latin, UTF-8 for the others.
type run struct {
	text  string
	class class
}

// runs splits s into the stretches each font sets; characters neither
// Windows-1252 nor the Go fonts have are set in the fallback when there
// is one.
func (p *page) runs(s string) []run {
	var buf sfnt.Buffer
	var out []run
	for _, r := range s {
		c, text := latin, ""
		if b, ok := winAnsi(r); ok {
			text = string([]byte{b})
		} else if goHas(r, &buf) || p.fallback == nil {
			c, text = wide, string(r)
		} else {
			c, text = fallback, string(r)
		}
		if n := len(out); n > 0 && out[n-1].class == c {
			out[n-1].text += text
		} else {
			out = append(out, run{text, c})
		}
	}
	return out
}

// allLatin says whether Windows-1252 has every character of s.
func allLatin(s string) bool {
	for _, r := range s {
		if _, ok := winAnsi(r); !ok {
			return false
		}
	}
	return true
}

// font sets run r's font at size, the Go fonts in style, adding the
// UTF-8 fonts the first time a run needs them.
func (p *page) font(r run, style string, size float64) {
	switch r.class {
	case latin:
		p.SetFont("go", style, size)
	case wide:
		ttf := goregular.TTF
		if style == "B" {
			ttf = gobold.TTF
		}
		p.add("gou", style, ttf)
		p.SetFont("gou", style, size)
	case fallback:
		p.add("cjk", "", p.fallback)
		p.SetFont("cjk", "", size)
	}
}

// add adds a UTF-8 font the first time it is needed: each costs a parse
// of the font and a subset of it per document.
func (p *page) add(family, style string, ttf []byte) {
	if k := family + style; !p.added[k] {
		if p.added == nil {
			p.added = map[string]bool{}
		}
		p.AddUTF8FontFromBytes(family, style, ttf)
		p.added[k] = true
	}
}

// CellFormat is fpdf's, with each run of s in its font.
func (p *page) CellFormat(w, h float64, s, border string, ln int, align string, fill bool, link int, linkURL string) {
	if allLatin(s) {
		p.Fpdf.CellFormat(w, h, toWinAnsi(s), border, ln, align, fill, link, linkURL)
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
	p.SetFont("go", style, size)
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
	p.SetFont("go", style, size)
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
	if allLatin(s) {
		p.Fpdf.MultiCell(w, h, toWinAnsi(s), border, align, fill)
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
	p.SetFont("go", style, size)
	p.Ln(h)
	p.SetLeftMargin(left)
	p.SetRightMargin(right)
	p.SetX(left)
}

// lines is how many lines MultiCell sets s in at width w: exact for
// Windows-1252 text, and counting each other character as a '?' of the
// Go font.
func (p *page) lines(s string, w float64) int {
	return len(p.Fpdf.SplitLines([]byte(toWinAnsi(s)), w))
}
