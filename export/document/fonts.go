package document

import (
	"bytes"
	"compress/zlib"
	"embed"
	"sync"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"github.com/billrun/billrun/internal/glyphs"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/charmap"
)

// The Go fonts are embedded in every PDF as it needs them:
//
//   - as single-byte fonts in Windows-1252 (latin1), for text it has
//     whole — in an invoice of western Europe, all of it. fpdf embeds such
//     a font whole from a definition made once (fonts/*.json, by fpdf's
//     MakeFont: go generate ./export/document) and the font file
//     compressed once per run, so a document costs no font work. Subset
//     per document as UTF-8 fonts, the two fonts were most of billrun
//     run's time (docs/performance.md).
//   - as UTF-8 fonts (Type0, Identity-H), subset per document, for the
//     characters Windows-1252 lacks (Polish, Greek, Cyrillic …). Other
//     code pages would need a /Differences encoding, which PDF/A refuses
//     for a non-symbolic TrueType font (PDFBox Preflight 3.1.5).
//
//go:generate go run fonts/gen.go
//go:embed fonts/*.json
var fontDefs embed.FS

// Fonts are what every document of a run is set in, worked out once and
// shared by the run's documents (safe for concurrent use): the Go fonts
// compressed as fpdf embeds them, which characters the fonts have
// (glyphs, with the fallback parsed when first asked), and the fallback
// font cut down for each set of characters the documents set in it.
type Fonts struct {
	regularZ, boldZ []byte
	fallback        []byte             // nil: none configured
	glyphs          func() *glyphs.Set // the Go fonts' and the fallback's characters
	mu              sync.Mutex         // guards cuts
	cuts            map[string][]byte  // the fallback cut to a set of characters, by them
}

// NewFonts makes a run's fonts, with fallback (a TrueType font's bytes,
// nil for none) for the characters the Go fonts lack. A fallback that does
// not parse sets nothing (config.Load refuses one).
func NewFonts(fallback []byte) *Fonts {
	f := &Fonts{regularZ: deflate(goregular.TTF), boldZ: deflate(gobold.TTF), cuts: map[string][]byte{}}
	if len(fallback) > 0 {
		f.fallback = fallback
	}
	f.glyphs = sync.OnceValue(func() *glyphs.Set {
		var parsed *sfnt.Font
		if f.fallback != nil {
			parsed, _ = sfnt.Parse(f.fallback)
		}
		return glyphs.New(parsed)
	})
	return f
}

// cut is the fallback font cut down (fpdf's UTF8CutFont) to chars, sorted
// and without repeats: fpdf parses a UTF-8 font for every document that
// adds it, and a CJK font parsed whole would cost each such document more
// than the rest of it. A cut depends only on its characters, so a
// document's bytes do too; the cuts are kept for the documents that share
// them, at most maxCuts.
func (f *Fonts) cut(chars string) []byte {
	f.mu.Lock()
	c, ok := f.cuts[chars]
	f.mu.Unlock()
	if ok {
		return c
	}
	c = fpdf.UTF8CutFont(f.fallback, chars) // unlocked: other documents need not wait
	f.mu.Lock()
	if len(f.cuts) >= maxCuts {
		clear(f.cuts)
	}
	f.cuts[chars] = c
	f.mu.Unlock()
	return c
}

// maxCuts bounds the cuts kept: each is a few KB, one per distinct set of
// characters (in practice one per CJK customer).
const maxCuts = 1024

// codePage is a single-byte code page the Go fonts are set in.
type codePage struct {
	name   string // fpdf's name of its map, and the definitions' suffix
	family string // the Go fonts in it, as fpdf families
	cm     *charmap.Charmap
}

// latin1 is the one code page, Windows-1252: the page of the issuer's own
// words, the document's fixed texts and every western European name.
var latin1 = &codePage{"cp1252", "go", charmap.Windows1252}

// encode is r's byte in the code page, ok false when it has none. The C1
// controls (U+0080–U+009F) and U+FFFD are not text: they are never set.
func (cp *codePage) encode(r rune) (byte, bool) {
	if r >= 0x80 && r < 0xA0 || r == utf8.RuneError {
		return 0, false
	}
	return cp.cm.EncodeRune(r)
}

// has says whether the code page has every character of s.
func (cp *codePage) has(s string) bool {
	for _, r := range s {
		if _, ok := cp.encode(r); !ok {
			return false
		}
	}
	return true
}

// bytes is s, all of whose characters the code page has, in it ('?' for
// a character it lacks).
func (cp *codePage) bytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := cp.encode(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}

// def is the font definition of the Go font (goregular or gobold) in the
// code page.
func (cp *codePage) def(font string) []byte {
	b, err := fontDefs.ReadFile("fonts/" + font + "-" + cp.name + ".json")
	if err != nil {
		panic(err) // the definitions are embedded (TestCodePageFontDefs)
	}
	return b
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestCompression)
	w.Write(b) // a bytes.Buffer does not fail
	w.Close()
	return out.Bytes()
}
