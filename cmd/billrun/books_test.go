package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// cmdReconcile: reconcile [-live] INVOICES.json BOOKS.json FROM UNTIL
// checks billrun books' JSON against billrun invoices' JSON, summed here:
// per currency, the books' gross total is the sum of the documents issued
// from FROM until UNTIL (ISO dates, UNTIL excluded), and each VAT
// category and rate's taxable amount and VAT the sum of their VAT lines;
// the EU sales list, OSS and UStVA add up to the VAT return's sections.
// With -live the books hold every document of the periods they bill, and
// their total is also revenue after corrections: the sum of the invoices
// no credit note reversed.
func cmdReconcile(ts *testscript.TestScript, neg bool, args []string) {
	live := len(args) == 5 && args[0] == "-live"
	if live {
		args = args[1:]
	}
	if neg || len(args) != 4 {
		ts.Fatalf("usage: reconcile [-live] INVOICES.json BOOKS.json FROM UNTIL")
	}
	var invs []struct {
		Number, Kind, IssueDate, Currency, Total, Corrects string
		Taxes                                              []struct{ Category, Rate, Taxable, Tax string }
	}
	var bk struct {
		Totals    []struct{ Currency, Net, VAT, Gross string }
		VATReturn []struct{ Section, Category, Rate, Currency, Taxable, VAT string } `json:"vat_return"`
		SalesList []struct{ Currency, Net string }                                   `json:"eu_sales_list"`
		OSS       []struct{ Currency, Net, VAT string }
		UStVA     []struct{ Currency, Amount, VAT string }
		Documents []struct{ Number string }
	}
	ts.Check(json.Unmarshal([]byte(strings.ReplaceAll(ts.ReadFile(args[0]), `"issue_date"`, `"issuedate"`)), &invs))
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &bk))
	want := sums{}
	reversed := map[string]bool{}
	for _, d := range invs {
		if d.Kind == "credit_note" {
			reversed[d.Corrects] = true
		}
	}
	n := 0
	for _, d := range invs {
		if live && d.Kind == "invoice" && !reversed[d.Number] {
			want.add("live "+d.Currency, d.Total)
		}
		if d.IssueDate < args[2] || d.IssueDate >= args[3] {
			continue
		}
		n++
		want.add("gross "+d.Currency, d.Total)
		for _, t := range d.Taxes {
			key := fmt.Sprintf("%s %s %s", t.Category, decimal.RequireFromString(t.Rate), d.Currency)
			want.add("taxable "+key, t.Taxable)
			want.add("vat "+key, t.Tax)
		}
	}
	if n == 0 || len(bk.Documents) != n {
		ts.Fatalf("the books list %d documents, the register %d issued from %s until %s", len(bk.Documents), n, args[2], args[3])
	}
	got, sections := sums{}, sums{}
	for _, t := range bk.Totals {
		got.add("gross "+t.Currency, t.Gross)
		if live {
			got.add("live "+t.Currency, t.Gross)
		}
	}
	for _, t := range bk.VATReturn {
		key := fmt.Sprintf("%s %s %s", t.Category, decimal.RequireFromString(t.Rate), t.Currency)
		got.add("taxable "+key, t.Taxable)
		got.add("vat "+key, t.VAT)
		sections.add("all "+t.Currency, t.Taxable)
		switch t.Section {
		case "reverse_charge":
			sections.add("reverse_charge "+t.Currency, t.Taxable)
		case "oss":
			sections.add("oss "+t.Currency, t.Taxable)
			sections.add("oss vat "+t.Currency, t.VAT)
		}
	}
	want.check(ts, "the register's documents", got)
	parts := sums{}
	for _, s := range bk.SalesList {
		parts.add("reverse_charge "+s.Currency, s.Net)
	}
	for _, o := range bk.OSS {
		parts.add("oss "+o.Currency, o.Net)
		parts.add("oss vat "+o.Currency, o.VAT)
	}
	for _, u := range bk.UStVA {
		parts.add("all "+u.Currency, u.Amount)
	}
	sections.check(ts, "the VAT return's sections", parts)
}

// sums are exact decimal sums by key.
type sums map[string]decimal.Decimal

func (s sums) add(key, v string) { s[key] = s[key].Add(decimal.RequireFromString(v)) }

// check fails the script where got differs from s, naming what s is.
func (s sums) check(ts *testscript.TestScript, what string, got sums) {
	for k, v := range s {
		if !got[k].Equal(v) {
			ts.Fatalf("%s: %s is %s, the books say %s", what, k, v, got[k])
		}
	}
	for k, v := range got {
		if _, ok := s[k]; !ok && !v.IsZero() {
			ts.Fatalf("%s: the books have %s %s, which nothing else adds up to", what, k, v)
		}
	}
}

// cmdXLSXRecalc: xlsxrecalc FILE opens FILE in LibreOffice, which
// recalculates every formula, and checks each formula's value against the
// value cached in the file, to the cent.
func cmdXLSXRecalc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: xlsxrecalc FILE")
	}
	n, bad, err := recalcMismatches(ts.MkAbs(args[0]), ts.MkAbs("lo-"+filepath.Base(args[0])))
	ts.Check(err)
	if len(bad) > 0 {
		ts.Fatalf("%s: %d formula(s) recalculate to other values than cached:\n%s", args[0], len(bad), strings.Join(bad, "\n"))
	}
	if n == 0 {
		ts.Fatalf("%s: no formula to recalculate", args[0])
	}
	fmt.Fprintf(ts.Stdout(), "%d formulas recalculated to their cached values\n", n)
}

// recalcMismatches has LibreOffice (headless, with a fresh profile under
// work that recalculates every file it loads) convert path's sheets to
// CSV, and compares each formula cell's value there with the one cached in
// path, rounded to the cent. It returns how many formulas it compared and
// the ones that differ.
func recalcMismatches(path, work string) (int, []string, error) {
	profile := filepath.Join(work, "profile", "user")
	if err := os.MkdirAll(profile, 0o755); err != nil {
		return 0, nil, err
	}
	// OOXMLRecalcMode 0: always recalculate an Excel file on load (the
	// default, 1, never does, and shows the cached values).
	xcu := `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>`
	if err := os.WriteFile(filepath.Join(profile, "registrymodifications.xcu"), []byte(xcu), 0o644); err != nil {
		return 0, nil, err
	}
	out := filepath.Join(work, "csv")
	// CSV filter options: comma, double quotes, UTF-8, values as stored
	// (not as shown), every sheet to a file of its own (-1)
	cmd := exec.Command("soffice", "-env:UserInstallation=file://"+filepath.Join(work, "profile"), "--headless", "--norestore",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", out, path)
	if b, err := cmd.CombinedOutput(); err != nil {
		return 0, nil, fmt.Errorf("soffice: %v: %s", err, b)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	n := 0
	var bad []string
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	for _, sheet := range f.GetSheetList() {
		rows, err := readCSV(filepath.Join(out, base+"-"+sheet+".csv"))
		if err != nil {
			return 0, nil, err
		}
		cells, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return 0, nil, err
		}
		for r, row := range cells {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fo, _ := f.GetCellFormula(sheet, cell); fo == "" {
					continue
				}
				n++
				cached, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				got := ""
				if r < len(rows) && c < len(rows[r]) {
					got = rows[r][c]
				}
				if !sameCents(cached, got) {
					bad = append(bad, fmt.Sprintf("%s!%s: cached %q, LibreOffice %q", sheet, cell, cached, got))
				}
			}
		}
	}
	return n, bad, nil
}

func readCSV(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// sameCents reports whether a and b are numbers equal to the cent.
func sameCents(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Round(2).Equal(y.Round(2))
}

// The recalculation check finds a cached value that is not what its
// formula gives: it is no check if it passes a wrong workbook.
func TestRecalcCatchesAWrongCache(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice (LibreOffice) is missing: make deps installs it")
		}
		t.Skip("soffice (LibreOffice) is not installed")
	}
	dir := t.TempDir()
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{1.25, 2.5, excelize.Cell{Formula: "SUM(A1:B1)", Value: 3.75}, excelize.Cell{Formula: "A1*B1", Value: 3.12}})
	sw.Flush()
	path := filepath.Join(dir, "wrong.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	n, bad, err := recalcMismatches(path, filepath.Join(dir, "lo"))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(bad) != 1 || !strings.Contains(bad[0], "Sheet1!D1") {
		t.Fatalf("%d formulas, mismatches %q; want D1's 3.12 (it is 3.125)", n, bad)
	}
}
