package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/billrun/billrun/internal/delivery/mailpittest"
	"github.com/billrun/billrun/internal/einvoicecheck"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"billrun": func() {
			version = "test" // what the toolchain stamps differs from build to build
			os.Exit(execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs the end-to-end scripts in testdata/script. $FIXTURES is
// rrdfetch's committed fixtures (files made by rrdtool, with rrdtool's
// output beside them), $REPORTFX report's.
func TestScript(t *testing.T) {
	fixtures, err := filepath.Abs("../../rrdfetch/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	reportFixtures, err := filepath.Abs("../../report/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixtures)
			e.Setenv("REPORTFX", reportFixtures)
			e.Setenv("RRDCACHED_ADDRESS", "")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "pdftotext":
				_, err := exec.LookPath("pdftotext")
				return err == nil || os.Getenv("CI") != "", nil
			case "rrdtool": // under CI the comparison with rrdtool must run
				_, err := exec.LookPath("rrdtool")
				return err == nil || os.Getenv("CI") != "", nil
			case "cjkfont": // the demo's CJK font; make deps installs it for CI
				_, err := os.Stat(cjkFont)
				return err == nil || os.Getenv("CI") != "", nil
			case "mailpit": // under CI mailpit must be there: make deps installs it
				return mailpittest.Binary() != "" || os.Getenv("CI") != "", nil
			case "soffice": // under CI LibreOffice must be there: make deps installs it
				_, err := exec.LookPath("soffice")
				return err == nil || os.Getenv("CI") != "", nil
			case "einvoice": // under CI the validator must be there: einvoice fails without it
				return einvoicecheck.Tool() != "" || os.Getenv("CI") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"golden":     cmdGolden,
			"xlsxcells":  cmdXLSXCells,
			"pdftext":    cmdPDFText,
			"einvoice":   cmdEInvoice,
			"trialfleet": cmdTrialFleet,
			"mailpit":    cmdMailpit,
			"reconcile":  cmdReconcile,
			"xlsxrecalc": cmdXLSXRecalc,
		},
	})
}

var update = flag.Bool("update", false, "rewrite the goldens under testdata/golden")

// cmdGolden: golden [-outputs-with-paths A,B] FILE NAME compares FILE (or
// stdout) with testdata/golden/NAME, byte for byte, with the script's
// $WORK written as "$WORK"; with -update it writes the golden instead. In a
// manifest, -outputs-with-paths names the outputs whose bytes hold $WORK
// (they are pinned by goldens of their own): their digests, which change
// with it, are written as "$SHA256".
func cmdGolden(ts *testscript.TestScript, neg bool, args []string) {
	var withPaths []string
	if len(args) == 4 && args[0] == "-outputs-with-paths" {
		withPaths, args = strings.Split(args[1], ","), args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: golden [-outputs-with-paths A,B] FILE NAME")
	}
	got := strings.ReplaceAll(ts.ReadFile(args[0]), ts.Getenv("WORK"), "$WORK")
	for _, name := range withPaths {
		re := regexp.MustCompile(`("name": "` + regexp.QuoteMeta(name) + `",\n\s*"sha256": ")[0-9a-f]{64}"`)
		if !re.MatchString(got) {
			ts.Fatalf("%s: no output %s with a digest", args[0], name)
		}
		got = re.ReplaceAllString(got, `${1}$$SHA256"`)
	}
	path := filepath.Join("..", "..", "testdata", "golden", args[1])
	if *update {
		ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
		ts.Check(os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	ts.Check(err)
	if got != string(want) {
		ts.Fatalf("%s differs from %s (go test ./cmd/billrun -run TestScript -update rewrites it):\n%s", args[0], path, diff.Diff(path, want, args[0], []byte(got)))
	}
}

// cmdXLSXCells: xlsxcells FILE prints every non-empty cell of every sheet,
// "Sheet!A1 value", with "=formula" after it where the cell has one.
func cmdXLSXCells(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: xlsxcells FILE")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		ts.Check(err)
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				formula, _ := f.GetCellFormula(sheet, cell)
				if v == "" && formula == "" {
					continue
				}
				fmt.Fprintf(ts.Stdout(), "%s!%s %q", sheet, cell, v)
				if formula != "" {
					fmt.Fprintf(ts.Stdout(), " =%s", formula)
				}
				fmt.Fprintln(ts.Stdout())
			}
		}
	}
}

// cmdPDFText: pdftext FILE prints the PDF's text as pdftotext -layout
// extracts it (poppler-utils). Scripts guard it with [pdftotext], which is
// false without it, so that they skip, except under CI, where it must be.
func cmdPDFText(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pdftext FILE")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		ts.Fatalf("pdftotext is missing (make deps installs poppler-utils)")
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", ts.MkAbs(args[0]), "-").Output()
	ts.Check(err)
	ts.Stdout().Write(out)
}

// cmdEInvoice: einvoice FILE... runs the official e-invoice rules
// (../shared/einvoice/validate) on the files; it fails when one breaks a
// rule, or, negated, when none does.
func cmdEInvoice(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: einvoice [--pdfa] FILE...")
	}
	tool := einvoicecheck.Tool()
	if tool == "" {
		ts.Fatalf("the e-invoice validator (../shared/einvoice/validate) is missing")
	}
	var files []string
	for _, a := range args {
		if a == "--pdfa" { // a Factur-X PDF's PDF/A structure too
			files = append(files, a)
			continue
		}
		files = append(files, ts.MkAbs(a))
	}
	out, err := exec.Command(tool, files...).CombinedOutput()
	ts.Logf("%s", out)
	var ee *exec.ExitError
	switch {
	case err == nil && neg:
		ts.Fatalf("every file passed the rules")
	case err == nil, neg && errors.As(err, &ee) && ee.ExitCode() == 1:
	default:
		ts.Fatalf("%s: %v", tool, err)
	}
}

// cmdMailpit runs mailpit for a script (mailpittest):
//
//	mailpit start CONFIG [ARG…]  start it, and add its smtp (plain text, loopback) to CONFIG
//	mailpit count N              it holds N messages
//	mailpit chaos CODE           it answers MAIL FROM with CODE (0: normally)
func cmdMailpit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: mailpit start CONFIG [ARG…] | count N | chaos CODE")
	}
	switch args[0] {
	case "start":
		m, stop, err := mailpittest.Launch(ts.MkAbs("."), args[2:]...)
		ts.Check(err)
		ts.Defer(stop)
		scripts.Store(ts, m)
		cfg := ts.MkAbs(args[1])
		b, err := os.ReadFile(cfg)
		ts.Check(err)
		ts.Check(os.WriteFile(cfg, fmt.Appendf(b, "smtp: {host: 127.0.0.1, port: %d, tls: none}\n", m.SMTPPort), 0o644))
	case "count":
		n, err := mailpitOf(ts).Count()
		ts.Check(err)
		if fmt.Sprint(n) != args[1] {
			ts.Fatalf("mailpit holds %d messages, want %s", n, args[1])
		}
	case "chaos":
		code, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(mailpitOf(ts).SetChaos(code))
	default:
		ts.Fatalf("mailpit %s: unknown", args[0])
	}
}

// scripts holds the mailpit each script started (scripts run in
// parallel).
var scripts sync.Map

// mailpitOf is the mailpit ts started.
func mailpitOf(ts *testscript.TestScript) *mailpittest.Server {
	m, ok := scripts.Load(ts)
	if !ok {
		ts.Fatalf("mailpit: not started (mailpit start CONFIG)")
	}
	return m.(*mailpittest.Server)
}
