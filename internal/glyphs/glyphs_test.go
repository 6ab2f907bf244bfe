package glyphs

import (
	"os"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// The Go fonts set Latin, Greek and Cyrillic but not CJK, which a CJK
// fallback adds; nothing sets an emoji, a C1 control or U+FFFD.
func TestSettable(t *testing.T) {
	var buf sfnt.Buffer
	goOnly := New(nil)
	for r, want := range map[rune]bool{'A': true, 'ü': true, 'Ł': true, 'Ω': true, 'Ж': true, '€': true, '株': false, '😀': false, 0x85: false, 0xFFFD: false} {
		if got := goOnly.Settable(r, &buf); got != want {
			t.Errorf("Settable(%U) = %v without a fallback", r, got)
		}
	}
	b, err := os.ReadFile("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	withCJK := New(f)
	if !withCJK.Settable('株', &buf) || withCJK.InGo('株', &buf) || !withCJK.InFallback('株', &buf) || withCJK.Settable('😀', &buf) {
		t.Error("a CJK fallback sets 株 (not the Go fonts) and still no emoji")
	}
}
