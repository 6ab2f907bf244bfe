package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const hostileYAML = `rrd_dir: rrd
out_dir: out
state_dir: state
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
metrics:
  - {name: in, ds: [vs_in], kind: counter, unit: bytes}
tax: {rate: "0.2"}
plans:
  - {id: p, monthly_fee: "10.00"}
customers:
  - {id: A, country: DE, city: Berlin, name: "Smile GmbH", currency: EUR, plan: p, vps: [{name: a1}]}
  - {id: B, country: DE, city: Berlin, name: "B", currency: EUR, plan: p, vps: [{name: b1}]}
`

// Input that is not what it claims to be — a FIFO, a device, a directory
// or a symlink loop in place of a file, a font that is not one, a name the
// fonts cannot print — is answered at once with an exit status and an
// error naming the file (and the key), never a hang or a panic.
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
	emoji := write("emoji.yaml", strings.Replace(hostileYAML, `name: "Smile GmbH"`, `name: "Smile 😀 GmbH"`, 1))
	run := []string{"run", "--period", "2026-10", "--config"}
	// each read path gets a directory and a symlink loop too
	sub := filepath.Join(dir, "adir")
	os.Mkdir(sub, 0o755)
	os.Mkdir(filepath.Join(dir, "rrd", "d1.rrd"), 0o755)
	os.Symlink("l1.rrd", filepath.Join(dir, "rrd", "l1.rrd"))
	odd := []struct{ name, path string }{{"a directory", sub}, {"a symlink loop", loop}}
	type hostile struct {
		name string
		args []string
		code int
		want []string // in stderr
	}
	var more []hostile
	for _, o := range odd {
		more = append(more,
			hostile{"font is " + o.name, append(run, write("font-"+filepath.Base(o.path)+".yaml", hostileYAML+"invoice: {font: "+o.path+"}\n")), exitError, []string{"invoice.font", o.path}},
			hostile{"inventory is " + o.name, append(run, write("inv-"+filepath.Base(o.path)+".yaml", hostileYAML+"inventory: "+o.path+"\n")), exitError, []string{"inventory", o.path}},
			hostile{"usage JSON is " + o.name, append(run, cfg, "--usage", o.path), exitError, []string{o.path}})
	}
	more = append(more,
		hostile{"an RRD is a directory", []string{"usage", "--period", "2026-10", "--config", write("drrd.yaml", hostileYAML+"vps: [{name: d1}]\n")}, exitError, []string{"d1.rrd", "not a regular file"}},
		hostile{"an RRD is a symlink loop", []string{"usage", "--period", "2026-10", "--config", write("lrrd.yaml", hostileYAML+"vps: [{name: l1}]\n")}, exitError, []string{"l1.rrd", "too many levels of symbolic links"}})
	for _, c := range append(more, []hostile{
		{"config is a FIFO", append(run, fifo), exitError, []string{fifo, "not a regular file"}},
		{"config is a device", append(run, "/dev/zero"), exitError, []string{"/dev/zero", "not a regular file"}},
		{"config is a directory", append(run, dir), exitError, []string{dir, "not a regular file"}},
		{"config is a symlink loop", append(run, loop), exitError, []string{loop, "too many levels of symbolic links"}},
		{"font is not a font", append(run, badFont), exitError, []string{"invoice.font", "notafont.ttf", "not a TrueType font"}},
		{"font is a FIFO", append(run, fifoFont), exitError, []string{"invoice.font", fifo, "not a regular file"}},
		{"inventory is a FIFO", append(run, fifoInventory), exitError, []string{"inventory", fifo, "not a regular file"}},
		{"an RRD is a FIFO", []string{"usage", "--period", "2026-10", "--config", fifoRRD}, exitError, []string{"c1.rrd", "not a regular file"}},
		{"usage JSON is a FIFO", append(run, cfg, "--usage", fifo), exitError, []string{fifo, "not a regular file"}},
		// no font of a PDF can print the emoji: refused, not shown as '?'
		{"a name beyond U+FFFF", append(run, emoji), exitError, []string{"emoji.yaml", "customers[0] (A).name", "U+1F600 '😀'", "invoice.font"}},
		{"a whole run", append(run, cfg), exitOK, nil},
	}...) {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := execute(context.Background(), c.args, &out, &errb)
			// a refusal comes at once; the one whole run renders PDFs
			limit := time.Second
			if c.code == exitOK {
				limit = 30 * time.Second
			}
			if d := time.Since(start); d > limit {
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
			// a refused input publishes nothing (the one run that succeeds
			// comes last)
			if _, err := os.Stat(filepath.Join(dir, "out", "2026-10")); c.code != exitOK && err == nil {
				t.Errorf("a period was published")
			}
		})
	}
}

// The large and the endless inputs are answered within a bounded amount
// of memory, billrun's own peak RSS above that of billrun --version: a
// device given as the config, an RRD, the inventory, the font or the usage
// JSON is refused before it is read, within 4 MiB; a config over the size
// limit is refused by its size; the largest config accepted (8 MiB, one
// error at its end) is parsed within 384 MiB (yaml.v3 builds its node tree
// twice: once to check every value, once to decode strictly).
func TestHostileInputsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds billrun")
	}
	dir := t.TempDir()
	bin := buildBillrun(t)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	os.MkdirAll(filepath.Join(dir, "rrd"), 0o755)
	os.Symlink("/dev/zero", filepath.Join(dir, "rrd", "z1.rrd"))
	huge := filepath.Join(dir, "huge.yaml")
	f, _ := os.Create(huge)
	f.Truncate(50 << 20) // 50 MB of NULs: over the limit whatever they say
	f.Close()
	var big strings.Builder
	big.WriteString("vps:\n")
	for i := 0; big.Len() < 8<<20-100; i++ {
		fmt.Fprintf(&big, "  - {name: v%07d, file: v%07d.rrd}\n", i, i)
	}
	big.WriteString("  - {name: last, fil: typo.rrd}\n")
	cfg := write("billing.yaml", hostileYAML)
	bigYAML := write("big.yaml", big.String())
	big.Reset()
	// The floor is a run that reads nothing; each bound is on what an
	// input adds to it.
	version := exec.Command(bin, "--version")
	floorOf := withPeak(t, version)
	if err := version.Run(); err != nil {
		t.Fatal(err)
	}
	floor := floorOf()
	for _, c := range []struct {
		name  string
		args  []string
		want  string
		limit int64 // KiB above the floor
	}{
		{"config is /dev/zero", []string{"usage", "--period", "2026-10", "--config", "/dev/zero"}, "not a regular file", 4 << 10},
		{"an RRD is /dev/zero", []string{"usage", "--period", "2026-10", "--config", write("zrrd.yaml", "rrd_dir: rrd\nallow_outside_rrd_dir: true\nvps: [{name: z1}]\n")}, "not a regular file", 4 << 10},
		{"inventory is /dev/zero", []string{"usage", "--period", "2026-10", "--config", write("zinv.yaml", "inventory: /dev/zero\n")}, "not a regular file", 4 << 10},
		{"font is /dev/zero", []string{"run", "--period", "2026-10", "--config", write("zfont.yaml", hostileYAML+"invoice: {font: /dev/zero}\n")}, "not a regular file", 4 << 10},
		{"usage JSON is /dev/zero", []string{"run", "--period", "2026-10", "--config", cfg, "--usage", "/dev/zero"}, "not a regular file", 4 << 10},
		{"a 50 MB config", []string{"usage", "--period", "2026-10", "--config", huge}, "more than the 8388608 this file may have", 4 << 10},
		{"the largest config accepted, with one error", []string{"usage", "--period", "2026-10", "--config", bigYAML}, `unknown key "fil"`, 384 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := exec.Command(bin, c.args...)
			cmd.Dir, cmd.Stderr, cmd.Env = dir, &stderr, append(os.Environ(), "RRDCACHED_ADDRESS=")
			peakOf := withPeak(t, cmd)
			start := time.Now()
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitError {
				t.Fatalf("exit %v, want %d; stderr %s", err, exitError, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr %.300q lacks %q", stderr.String(), c.want)
			}
			peak := peakOf()
			t.Logf("peak RSS %d KiB (%d above billrun --version), %v", peak, peak-floor, time.Since(start).Round(time.Millisecond))
			if peak-floor > c.limit {
				t.Errorf("peak RSS %d KiB, %d KiB above billrun --version's, more than %d", peak, peak-floor, c.limit)
			}
		})
	}
}
