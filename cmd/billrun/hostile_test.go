package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const hostileYAML = `rrd_dir: rrd
out_dir: out
state_dir: state
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE123456789}
metrics:
  - {name: in, ds: [vs_in], kind: counter, unit: bytes}
tax: {rate: "0.2"}
plans:
  - {id: p, monthly_fee: "10.00"}
customers:
  - {id: A, country: DE, city: Berlin, name: "Smile 😀 GmbH", currency: EUR, plan: p, vps: [{name: a1}]}
  - {id: B, country: DE, city: Berlin, name: "B", currency: EUR, plan: p, vps: [{name: b1}]}
`

// Input that is not what it claims to be — a FIFO, a device, a directory
// or a symlink loop in place of a file, a font that is not one, a name the
// fonts cannot print — is answered at once with an exit status and an
// error naming the file, never a hang or a panic.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	reportFX, _ := filepath.Abs("../../report/testdata/fixtures")
	os.MkdirAll(filepath.Join(dir, "rrd"), 0o755)
	for _, n := range []string{"a1", "b1"} {
		b, _ := os.ReadFile(filepath.Join(reportFX, "vps-full", "file.rrd"))
		os.WriteFile(filepath.Join(dir, "rrd", n+".rrd"), b, 0o644)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	cfg := write("billing.yaml", hostileYAML)
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	write("notafont.ttf", strings.Repeat("not a font ", 100))
	badFont := write("badfont.yaml", hostileYAML+"invoice: {font: notafont.ttf}\n")
	fifoFont := write("fifofont.yaml", hostileYAML+"invoice: {font: fifo}\n")
	fifoInventory := write("fifoinv.yaml", hostileYAML+"inventory: fifo\n")
	os.Symlink(fifo, filepath.Join(dir, "rrd", "c1.rrd"))
	fifoRRD := write("fiforrd.yaml", hostileYAML+"vps: [{name: c1}]\n")
	run := []string{"run", "--period", "2026-10", "--config"}
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"config is a FIFO", append(run, fifo), exitError, []string{fifo, "not a regular file"}},
		{"config is a device", append(run, "/dev/zero"), exitError, []string{"/dev/zero", "not a regular file"}},
		{"config is a directory", append(run, dir), exitError, []string{dir, "not a regular file"}},
		{"config is a symlink loop", append(run, loop), exitError, []string{loop, "too many levels of symbolic links"}},
		{"font is not a font", append(run, badFont), exitError, []string{"invoice.font", "notafont.ttf", "not a TrueType font"}},
		{"font is a FIFO", append(run, fifoFont), exitError, []string{"invoice.font", fifo, "not a regular file"}},
		{"inventory is a FIFO", append(run, fifoInventory), exitError, []string{"inventory", fifo, "not a regular file"}},
		{"an RRD is a FIFO", []string{"usage", "--period", "2026-10", "--config", fifoRRD}, exitError, []string{"c1.rrd", "not a regular file"}},
		{"usage JSON is a FIFO", append(run, cfg, "--usage", fifo), exitError, []string{fifo, "not a regular file"}},
		// the emoji cannot be printed: the PDF shows '?', and the run is whole
		{"a name beyond U+FFFF", append(run, cfg), exitOK, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := execute(context.Background(), c.args, &out, &errb)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("answered after %v", d)
			}
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %s", code, c.code, errb.String())
			}
			for _, w := range c.want {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q lacks %q", errb.String(), w)
				}
			}
			if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic") {
				t.Errorf("a panic: %s", errb.String())
			}
		})
	}
	inv, err := os.ReadFile(filepath.Join(dir, "out", "2026-10", "manifest.json"))
	if err != nil || !strings.Contains(string(inv), `the PDF shows ? for customer name: U+1F600 '😀'`) {
		t.Errorf("the unprintable name is not a problem in the manifest: %v", err)
	}
}
