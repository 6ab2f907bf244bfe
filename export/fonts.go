package export

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/text/encoding/charmap"
)

// The Go fonts are embedded in every PDF twice over, as it needs them:
//
//   - as single-byte fonts in the Windows-1252 code page (WinAnsiEncoding),
//     for the text that code page has — in an invoice of western Europe,
//     all of it. fpdf embeds such a font whole from a definition made once
//     (fonts/*.json, by fpdf's MakeFont: go generate ./export) and the
//     font file compressed once per run, so a document costs no font work.
//     Subset per document as UTF-8 fonts, the two fonts were three
//     quarters of the time of billrun run (docs/performance.md).
//   - as UTF-8 fonts, subset per document, only in a document with text
//     outside Windows-1252 (Polish, Czech, Greek, Cyrillic names).
//
//go:generate go run fonts/gen.go
var (
	//go:embed fonts/goregular.json
	goRegularDef []byte
	//go:embed fonts/gobold.json
	goBoldDef []byte

	winAnsiOnce         sync.Once
	goRegularZ, goBoldZ []byte
)

// winAnsiFonts are the Go fonts' files compressed, as fpdf embeds them.
func winAnsiFonts() (regular, bold []byte) {
	winAnsiOnce.Do(func() { goRegularZ, goBoldZ = deflate(goregular.TTF), deflate(gobold.TTF) })
	return goRegularZ, goBoldZ
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestCompression)
	w.Write(b) // a bytes.Buffer does not fail
	w.Close()
	return out.Bytes()
}

// winAnsi is r's byte in Windows-1252, ok false when it has none. The C1
// controls (U+0080–U+009F) are not text: they are never set.
func winAnsi(r rune) (byte, bool) {
	if r >= 0x80 && r < 0xA0 {
		return 0, false
	}
	return charmap.Windows1252.EncodeRune(r)
}

// toWinAnsi is s, all of whose characters Windows-1252 has, in it.
func toWinAnsi(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := winAnsi(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}
