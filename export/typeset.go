package export

import (
	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// page is the PDF being written. Its text is set in the Go fonts; when
// the invoice needs the fallback font (mixed), each run of characters the
// Go fonts lack is set in it (family "cjk") and the rest stays in the Go
// fonts, because a CJK fallback such as Droid Sans Fallback has no Latin
// letters or digits: set whole in it, "Invoice 2026" would be boxes.
type page struct {
	*fpdf.Fpdf
	mixed bool
}

// run is a stretch of text set in one font.
type run struct {
	text     string
	fallback bool
}

// runs splits s into the stretches the Go fonts have and those they lack.
func runs(s string) []run {
	var buf sfnt.Buffer
	var out []run
	for _, r := range s {
		fb := !goHas(r, &buf)
		if n := len(out); n > 0 && out[n-1].fallback == fb {
			out[n-1].text += string(r)
		} else {
			out = append(out, run{string(r), fb})
		}
	}
	return out
}

// needsFallback says whether s has characters the Go fonts lack.
func (p *page) needsFallback(s string) []run {
	if !p.mixed {
		return nil
	}
	rs := runs(s)
	for _, r := range rs {
		if r.fallback {
			return rs
		}
	}
	return nil
}

// font sets run r's font at the current size, the Go fonts in style.
func (p *page) font(r run, family, style string, size float64) {
	if r.fallback {
		p.SetFont("cjk", "", size)
	} else {
		p.SetFont(family, style, size)
	}
}

// CellFormat is fpdf's, with each run of s in its font.
func (p *page) CellFormat(w, h float64, s, border string, ln int, align string, fill bool, link int, linkURL string) {
	rs := p.needsFallback(s)
	if rs == nil {
		p.Fpdf.CellFormat(w, h, s, border, ln, align, fill, link, linkURL)
		return
	}
	family, style := p.GetFontFamily(), p.GetFontStyle()
	size, _ := p.GetFontSize()
	widths := make([]float64, len(rs))
	total := 0.0
	for i, r := range rs {
		p.font(r, family, style, size)
		widths[i] = p.GetStringWidth(r.text)
		total += widths[i]
	}
	x, y := p.GetXY()
	left, _, right, _ := p.GetMargins()
	if pw, _ := p.GetPageSize(); w == 0 {
		w = pw - right - x
	}
	p.SetFont(family, style, size)
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
		p.font(r, family, style, size)
		p.SetXY(cur-m, y)
		p.Fpdf.CellFormat(widths[i]+2*m, h, r.text, "", 0, "L", false, 0, "")
		cur += widths[i]
	}
	p.SetFont(family, style, size)
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
	rs := p.needsFallback(s)
	if rs == nil {
		p.Fpdf.MultiCell(w, h, s, border, align, fill)
		return
	}
	family, style := p.GetFontFamily(), p.GetFontStyle()
	size, _ := p.GetFontSize()
	left, _, right, _ := p.GetMargins()
	x := p.GetX()
	pw, _ := p.GetPageSize()
	if w == 0 {
		w = pw - right - x
	}
	p.SetLeftMargin(x)
	p.SetRightMargin(pw - x - w)
	for _, r := range rs {
		p.font(r, family, style, size)
		p.Write(h, r.text)
	}
	p.SetFont(family, style, size)
	p.Ln(h)
	p.SetLeftMargin(left)
	p.SetRightMargin(right)
	p.SetX(left)
}
