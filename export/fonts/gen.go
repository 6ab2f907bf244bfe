//go:build ignore

// gen writes the definitions (widths, metrics) of the Go fonts as
// Windows-1252 single-byte fonts, as fpdf's MakeFont makes them from the
// TrueType files and fpdf's own code page map, into export/fonts:
// go generate ./export (which runs it in export/).
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

func main() {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		log.Fatal(err)
	}
	cp := filepath.Join(strings.TrimSpace(string(out)), "font", "cp1252.map")
	tmp, err := os.MkdirTemp("", "billrun-fonts-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for name, ttf := range map[string][]byte{"goregular": goregular.TTF, "gobold": gobold.TTF} {
		src := filepath.Join(tmp, name+".ttf")
		if err := os.WriteFile(src, ttf, 0o644); err != nil {
			log.Fatal(err)
		}
		if err := fpdf.MakeFont(src, cp, tmp, nil, true); err != nil {
			log.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(tmp, name+".json"))
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("fonts", name+".json"), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
