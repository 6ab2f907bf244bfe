//go:build ignore

// gen writes the definitions (widths, metrics, encoding) of the Go fonts
// as single-byte fonts in each code page billrun sets them in, as fpdf's
// MakeFont makes them from the TrueType files and fpdf's own code page
// maps, into export/fonts as <font>-<code page>.json. A map in
// export/fonts replaces fpdf's: cp1253.map names Δ, Ω and μ by their
// Greek names in the Adobe Glyph List (Deltagreek, Omegagreek, mugreek),
// which PDF readers take for U+0394, U+03A9 and U+03BC, not for the
// increment, ohm and micro signs as they read fpdf's Delta, Omega and mu.
// Run it as
// go generate ./export (which runs it in export/). The list of code pages
// is export's codePages; TestCodePageFontDefs checks the two agree.
package main

import (
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

var codePages = []string{"cp1252", "iso-8859-2", "cp1257", "cp1253", "cp1251"}

func main() {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "billrun-fonts-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	// the maps, fpdf's and billrun's over them, in one directory: MakeFont
	// reads cp1252.map beside the one it is given
	maps := filepath.Join(tmp, "maps")
	if err := os.Mkdir(maps, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, cp := range codePages {
		m, err := os.ReadFile(filepath.Join("fonts", cp+".map"))
		if err != nil {
			m, err = os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "font", cp+".map"))
		}
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(maps, cp+".map"), m, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for name, ttf := range map[string][]byte{"goregular": goregular.TTF, "gobold": gobold.TTF} {
		// the same source name in every code page: each definition names
		// the font file <name>.z, which a PDF then embeds once
		src := filepath.Join(tmp, name+".ttf")
		if err := os.WriteFile(src, ttf, 0o644); err != nil {
			log.Fatal(err)
		}
		for _, cp := range codePages {
			dst := filepath.Join(tmp, cp)
			if err := os.MkdirAll(dst, 0o755); err != nil {
				log.Fatal(err)
			}
			if err := fpdf.MakeFont(src, filepath.Join(maps, cp+".map"), dst, nil, true); err != nil {
				log.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dst, name+".json"))
			if err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("fonts", name+"-"+cp+".json"), b, 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
}
