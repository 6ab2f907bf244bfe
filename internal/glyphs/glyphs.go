// Package glyphs says which characters billrun's documents can set: those
// both Go fonts (regular and bold, which every PDF embeds) have, and those
// of the operator's fallback font (invoice.font). The config refuses text
// with any other character; the PDF shows such a character as '?'. One
// rule for both, so that a config accepted never prints '?'.
package glyphs

import (
	"unicode/utf8"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Set is the characters the Go fonts and a fallback font have.
type Set struct {
	gofonts  []*sfnt.Font
	fallback *sfnt.Font // nil: no fallback
}

// New is the set of the Go fonts and fallback (a parsed font; nil for
// none).
func New(fallback *sfnt.Font) *Set {
	s := &Set{fallback: fallback}
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic(err) // the Go fonts are embedded and parse
		}
		s.gofonts = append(s.gofonts, f)
	}
	return s
}

// InGo reports whether both Go fonts have r; ASCII they have whole.
func (s *Set) InGo(r rune, buf *sfnt.Buffer) bool {
	if r < 0x80 {
		return true
	}
	for _, f := range s.gofonts {
		if g, err := f.GlyphIndex(buf, r); err != nil || g == 0 {
			return false
		}
	}
	return true
}

// InFallback reports whether the fallback font has r.
func (s *Set) InFallback(r rune, buf *sfnt.Buffer) bool {
	if s.fallback == nil {
		return false
	}
	g, err := s.fallback.GlyphIndex(buf, r)
	return err == nil && g != 0
}

// Settable reports whether a document can set r: a character of the Basic
// Multilingual Plane (fpdf's UTF-8 fonts stop at U+FFFF), not a C1
// control or U+FFFD, that the Go fonts or the fallback have.
func (s *Set) Settable(r rune, buf *sfnt.Buffer) bool {
	if r > 0xFFFF || r == utf8.RuneError || r >= 0x80 && r < 0xA0 {
		return false
	}
	return s.InGo(r, buf) || s.InFallback(r, buf)
}
