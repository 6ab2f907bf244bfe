//go:build ignore

// gen writes the definitions (widths, metrics, encoding) of the Go fonts
// as single-byte fonts in the code page billrun sets them in, as fpdf's
// MakeFont makes them from the TrueType files and fpdf's code page map,
// as <font>-<code page>.json: go generate ./export/document (which runs
// it in export/document/, writing to fonts/), or go run fonts/gen.go -out DIR.
// TestCodePageFontDefs runs it and compares.
package main

import (
	"flag"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// codePages are export's code pages (latin1), by fpdf's names of their
// maps.
var codePages = []string{"cp1252"}

func main() {
	outDir := flag.String("out", "fonts", "directory to write the definitions into")
	flag.Parse()
	mod, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "billrun-fonts-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	// the maps in one directory: MakeFont reads cp1252.map beside the
	// one it is given
	maps := filepath.Join(tmp, "maps")
	if err := os.Mkdir(maps, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, cp := range codePages {
		b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(mod)), "font", cp+".map"))
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(maps, cp+".map"), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for name, ttf := range map[string][]byte{"goregular": goregular.TTF, "gobold": gobold.TTF} {
		// each definition names the font file <name>.z
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
			if err := os.WriteFile(filepath.Join(*outDir, name+"-"+cp+".json"), b, 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
}
