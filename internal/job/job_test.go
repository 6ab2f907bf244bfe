package job

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

const cfgYAML = `timezone: UTC
rrd_dir: ../../report/testdata/fixtures
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
metrics:
  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes, max_rate: 1.25e9}
hosts: [{name: host-a, file: host-a/file.rrd}]
tax: {rate: "0.2"}
plans:
  - {id: p, monthly_fee: "10.00", metrics: {in: {unit: GB, included: "100", rate: "0.02"}}}
  - {id: py, monthly_fee: "1500", metrics: {in: {unit: GB, included: "100", rate: "3"}}}
customers:
  - {id: A, country: DE, city: Berlin, name: "Müller & Söhne GmbH", currency: EUR, plan: p, vps: [{name: a1, file: vps-full/file.rrd, host: host-a}]}
  - {id: B, country: DE, city: Berlin, name: "B GmbH", currency: JPY, plan: py, vps: [{name: b1, file: vps-young/file.rrd}]}
`

// parseTestConfig parses a test config and names customer B in a script
// no font of the run sets: Load refuses such a name (config's
// TestLegibleText), but a config made another way still has its PDF
// checked and the draft held (TestIssueHoldsFlaggedDrafts).
func parseTestConfig(t *testing.T, y string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(y), ".")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Customers {
		if cfg.Customers[i].ID == "B" {
			cfg.Customers[i].Name = "株式会社"
		}
	}
	return cfg
}

func setup(t *testing.T, extra string) (Options, string) {
	cfg := parseTestConfig(t, cfgYAML+extra)
	out := t.TempDir()
	cfg.StateDir = filepath.Join(out, "state")
	cfg.OutDir = out
	return Options{Config: cfg, Period: period.Month(2026, time.October, time.UTC), OutDir: out, Record: true, Version: "test"}, out
}

// TestPublishKilledAtEveryStep stops a run at every step of
// writing and publishing a period that was billed before (each output
// file, the syncs, the swap, the removal of the old run), as a kill would,
// and checks that the period's directory is at every such instant a whole
// run whose files match its manifest, then that the next run completes
// and leaves no temporary directory.
func TestPublishKilledAtEveryStep(t *testing.T) {
	defer func() { fault = func(string) error { return nil } }()
	var steps []string
	var mu sync.Mutex // the PDFs and the figures' files are written on several goroutines
	fault = func(step string) error { mu.Lock(); steps = append(steps, step); mu.Unlock(); return nil }
	o, out := setup(t, "")
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 8 || steps[len(steps)-1] != "sync" {
		t.Fatalf("steps of a first run: %v", steps) // no swap: nothing to replace
	}
	steps = nil
	// drafts are drafted again freely
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	all := steps
	if all[len(all)-2] != "swap" || all[len(all)-1] != "removed" {
		t.Fatalf("steps of a rerun: %v", all)
	}
	killed := errors.New("killed")
	for _, at := range all {
		fault = func(step string) error {
			if step == at {
				return killed
			}
			return nil
		}
		if _, err := Run(context.Background(), o); at != "removed" && !errors.Is(err, killed) {
			t.Fatalf("killed at %s: %v", at, err)
		}
		checkManifest(t, filepath.Join(out, "2026-10"))
	}
	fault = func(string) error { return nil }
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	checkManifest(t, filepath.Join(out, "2026-10"))
	if m, _ := filepath.Glob(filepath.Join(out, ".2026-10.tmp-*")); len(m) != 0 {
		t.Errorf("temporary directories left: %v", m)
	}
}

// checkManifest: every output the manifest in dir lists is there with its
// digest, and nothing else is.
func checkManifest(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatalf("no whole run in %s: %v", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{"manifest.json": true}
	for _, o := range m.Outputs {
		f, err := os.ReadFile(filepath.Join(dir, o.Name))
		if err != nil {
			t.Fatalf("%s listed in the manifest: %v", o.Name, err)
		}
		if sum := sha256.Sum256(f); hex.EncodeToString(sum[:]) != o.SHA256 {
			t.Fatalf("%s does not match its manifest digest", o.Name)
		}
		seen[o.Name] = true
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if rel, _ := filepath.Rel(dir, p); err == nil && !d.IsDir() && !seen[rel] {
			t.Errorf("%s is not in the manifest", rel)
		}
		return nil
	})
}

func readAll(t *testing.T, dir string) map[string][]byte {
	m := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = b
	}
	return m
}

func TestRunDeterministicAndGuarded(t *testing.T) {
	o, out := setup(t, "")
	r1, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	first := readAll(t, r1.Dir)
	for _, f := range []string{"usage.json", "sla.json", "usage.csv", "invoices.json", "manifest.json", "billing-2026-10.xlsx"} {
		if len(first[f]) == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}
	if r1.Partial || len(r1.Invoices) != 2 || r1.Invoices[0].Number != "DRAFT-2026-10-A" || r1.Invoices[0].Status != "draft" {
		t.Errorf("result %+v", r1)
	}
	once := o
	once.Once = true // the scheduler's runs: a period the ledger has is not drafted again
	if _, err := Run(context.Background(), once); !errors.Is(err, state.ErrBilled) {
		t.Fatalf("a scheduled run of a drafted period: %v", err)
	}
	// drafts are drafted again freely, to the same bytes
	r2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	second := readAll(t, r2.Dir)
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two runs over the same inputs", name)
		}
	}
	if r1.ManifestDigest != r2.ManifestDigest {
		t.Error("manifest digest changed")
	}
	if ents, _ := os.ReadDir(out); len(ents) != 2 { // 2026-10 and state, no leftovers
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("output dir holds %v", names)
	}
	if !strings.Contains(string(first["manifest.json"]), `"sha256"`) || !strings.Contains(string(first["manifest.json"]), "vps-full/file.rrd") {
		t.Error("manifest lacks digests or inputs")
	}
}

// A run that fails midway leaves no period directory and no temporary
// files; a run killed outright (its temporary directory left behind) is
// cleaned up by the next, which completes.
func TestInterruptedRun(t *testing.T) {
	o, out := setup(t, "")
	fault = func(name string) error {
		if name == "usage.csv" {
			return errors.New("injected fault")
		}
		return nil
	}
	defer func() { fault = func(string) error { return nil } }()
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("run with a fault: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "2026-10")); !os.IsNotExist(err) {
		t.Fatalf("period directory exists after a failed run: %v", err)
	}
	// what SIGKILL would leave
	stale := filepath.Join(out, ".2026-10.tmp-12345")
	os.MkdirAll(stale, 0o755)
	os.WriteFile(filepath.Join(stale, "usage.json"), []byte("{"), 0o644)
	fault = func(string) error { return nil }
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale temporary directory not removed")
	}
	if got := readAll(t, r.Dir); len(got) != 7 { // 6 files and invoices/
		t.Errorf("period directory has %d entries, want 7", len(got))
	}
}

func TestPartialRun(t *testing.T) {
	o, _ := setup(t, "  - {id: C, country: DE, city: Berlin, name: Gone, currency: EUR, plan: p, vps: [{name: c1, file: missing.rrd}]}\n")
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Partial || len(r.Invoices) != 2 {
		t.Fatalf("partial %v, %d invoices", r.Partial, len(r.Invoices))
	}
	man, _ := os.ReadFile(filepath.Join(r.Dir, "manifest.json"))
	if !strings.Contains(string(man), `"kind": "unreadable"`) || !strings.Contains(string(man), "missing.rrd") {
		t.Error("the unreadable file is not in the manifest")
	}
}

// The workbook read back: sheets, numeric cells with formats, totals as
// formulas with cached values equal to the invoices, text kept as text.
func TestWorkbook(t *testing.T) {
	o, _ := setup(t, "  - {id: EVIL, country: DE, city: Berlin, name: \"=HYPERLINK(1)\", currency: EUR, plan: p, vps: [{name: z1, file: vps-parts/file.rrd}]}\n")
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(r.Dir, "billing-2026-10.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "Summary,Usage,SLA,Lines,Problems" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("Summary")
	if rows[0][14] != "Total" || rows[0][5] != "Status" || len(r.Invoices) != 3 {
		t.Fatalf("summary header %v, %d invoices", rows[0], len(r.Invoices))
	}
	byCustomer := map[string]int{}
	for i, row := range rows[1:4] {
		byCustomer[row[0]] = i + 2
	}
	for _, inv := range r.Invoices {
		cell := fmt.Sprintf("O%d", byCustomer[inv.CustomerID])
		typ, _ := f.GetCellType("Summary", cell)
		v, _ := f.GetCellValue("Summary", cell, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || v != inv.Total.String() {
			t.Errorf("%s total cell %s: type %v value %q, want number %s", inv.CustomerID, cell, typ, v, inv.Total)
		}
		style, _ := f.GetCellStyle("Summary", cell)
		st, _ := f.GetStyle(style)
		// the format shows the currency's minor unit: yen have none
		wantFmt := map[string]string{"EUR": "#,##0.00", "JPY": "#,##0"}[inv.Currency]
		if st.CustomNumFmt == nil || *st.CustomNumFmt != wantFmt {
			t.Errorf("%s (%s) total cell format %+v, want %q", inv.CustomerID, inv.Currency, st.CustomNumFmt, wantFmt)
		}
	}
	if v, _ := f.GetCellValue("Summary", fmt.Sprintf("B%d", byCustomer["EVIL"])); v != "=HYPERLINK(1)" {
		t.Errorf("formula-like name read back as %q", v)
	}
	if fo, _ := f.GetCellFormula("Summary", fmt.Sprintf("B%d", byCustomer["EVIL"])); fo != "" {
		t.Errorf("a name became a formula: %q", fo)
	}
	// totals rows per currency: formula + cached value; nothing is issued,
	// so the drafted total is the total after corrections
	found := 0
	for i := 5; i < 20; i++ {
		fo, _ := f.GetCellFormula("Summary", fmt.Sprintf("O%d", i))
		cur, _ := f.GetCellValue("Summary", fmt.Sprintf("G%d", i))
		label, _ := f.GetCellValue("Summary", fmt.Sprintf("A%d", i))
		if strings.HasPrefix(fo, "SUMIFS(") && cur == "EUR" && label != "Total issued" {
			found++
			v, _ := f.GetCellValue("Summary", fmt.Sprintf("O%d", i), excelize.Options{RawCellValue: true})
			want := decimal.Zero
			for _, inv := range r.Invoices {
				if inv.Currency == "EUR" {
					want = want.Add(inv.Total)
				}
			}
			if v != want.String() {
				t.Errorf("EUR %s cached %q, want %s", label, v, want)
			}
		}
	}
	if found != 2 {
		t.Errorf("%d EUR totals rows drafted and after corrections, want 2", found)
	}
	// every header fits its column; no cell holds two values
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for i, h := range rows[0] {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if w, _ := f.GetColWidth(sheet, col); w < float64(len([]rune(h)))+2 {
				t.Errorf("%s!%s1 %q is wider than its column (%.1f)", sheet, col, h, w)
			}
		}
	}
	reviewed := 0
	for _, inv := range r.Invoices {
		if !inv.Review {
			continue
		}
		reviewed++
		v, _ := f.GetCellValue("Summary", fmt.Sprintf("P%d", byCustomer[inv.CustomerID]))
		if !strings.Contains(v, "below") && !strings.Contains(v, "above the metric's limit") {
			t.Errorf("%s is for review, and the Summary's Review says %q, not why", inv.CustomerID, v)
		}
	}
	if reviewed == 0 {
		t.Error("no invoice for review: the check above checked nothing")
	}
	panes, _ := f.GetPanes("Lines")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("Lines header not frozen: %+v", panes)
	}
	if tables, _ := f.GetTables("Lines"); len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:M") {
		t.Errorf("Lines has no filterable table: %+v", tables)
	}
	// the native chart of the totals, drawn from the Summary's cells
	zr, err := zip.OpenReader(filepath.Join(r.Dir, "billing-2026-10.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	part := func(name string) []byte {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				defer rc.Close()
				b, _ := io.ReadAll(rc)
				return b
			}
		}
		return nil
	}
	// one per currency: no chart puts two currencies on its axis
	ranges := regexp.MustCompile(`Summary!\$C\$(\d+):\$C\$(\d+)`)
	charted := map[string]int{}
	for i := 1; ; i++ {
		chart := part(fmt.Sprintf("xl/charts/chart%d.xml", i))
		if chart == nil {
			break
		}
		m := ranges.FindSubmatch(chart)
		if !bytes.Contains(chart, []byte("<barChart>")) || m == nil {
			t.Fatalf("chart %d is not a column chart of Summary totals: %.300s", i, chart)
		}
		from, _ := strconv.Atoi(string(m[1]))
		to, _ := strconv.Atoi(string(m[2]))
		cur, _ := f.GetCellValue("Summary", fmt.Sprintf("G%d", from))
		for row := from; row <= to; row++ {
			if c, _ := f.GetCellValue("Summary", fmt.Sprintf("G%d", row)); c != cur {
				t.Errorf("chart %d mixes %s and %s (rows %d-%d)", i, cur, c, from, to)
			}
		}
		if !bytes.Contains(chart, []byte(cur)) {
			t.Errorf("chart %d of %s does not name its currency", i, cur)
		}
		charted[cur] += to - from + 1
	}
	for _, inv := range r.Invoices {
		charted[inv.Currency]--
	}
	for cur, n := range charted {
		if n != 0 {
			t.Errorf("%s: %d invoices charted more than there are", cur, n)
		}
	}
	if len(charted) != 2 {
		t.Errorf("charts of %v, want EUR and JPY", charted)
	}
	// …and the Summary sheet refers to its drawing, without which no
	// application shows the chart
	if !bytes.Contains(part("xl/worksheets/sheet1.xml"), []byte("<drawing ")) {
		t.Error("the Summary sheet has no <drawing> element: the chart is invisible")
	}
}

// The PDFs' text (pdftotext, poppler-utils) carries the parties, the
// invoice number and the amounts of the computed pricing.
func TestInvoicePDFs(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		t.Skip("pdftotext not installed")
	}
	o, _ := setup(t, "  - {id: L, country: PL, city: Łódź, name: \"Łódź Hosting sp. z o.o.\", address: [\"ul. Piotrkowska 1\"], vat_id: PL5260250274, currency: EUR, plan: p, vps: [{name: l1, file: vps-parts/file.rrd, host: host-a}]}\n")
	font := "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf" // Debian fonts-droid-fallback
	if _, err := os.Stat(font); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("fonts-droid-fallback is required in CI")
		}
		t.Skip("no CJK fallback font")
	}
	o.Config.Invoice.Font = font
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range r.Invoices {
		path := filepath.Join(r.Dir, "invoices", inv.Number+".pdf")
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		txt := string(out)
		places := pricing.MinorUnits(inv.Currency)
		num := func(d decimal.Decimal) string { return locale.Number(inv.Language, d, places) }
		want := []string{inv.Number, "DRAFT", "Draft: not an invoice", inv.Issuer.Name, num(inv.Total), num(inv.Subtotal)}
		want = append(want, inv.Customer.Name) // 株式会社 through the fallback font
		for _, l := range inv.Lines {
			want = append(want, num(l.Amount))
		}
		if inv.Taxes[0].Category == "AE" {
			want = append(want, "Reverse charge")
		}
		for _, w := range want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s: PDF text lacks %q", inv.Number, w)
			}
		}
	}
	a, _ := os.ReadFile(filepath.Join(r.Dir, "invoices", r.Invoices[0].Number+".pdf"))
	// drafts are drafted again freely
	r2, _ := Run(context.Background(), o)
	b, _ := os.ReadFile(filepath.Join(r2.Dir, "invoices", r2.Invoices[0].Number+".pdf"))
	if !bytes.Equal(a, b) {
		t.Error("the same invoice gave different PDF bytes")
	}
}

// The sources are every VPS, top-level and customers', by name, with the
// customers' active windows, and the hosts in config order.
func TestSources(t *testing.T) {
	cfg, err := config.Parse([]byte(cfgYAML+"vps: [{name: a0, file: vps-full/file.rrd}]\n"), ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range VPSSources(cfg) {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "a0,a1,b1" {
		t.Errorf("VPS sources %s", got)
	}
	if h := HostSources(cfg); len(h) != 1 || h[0].Name != "host-a" {
		t.Errorf("host sources %+v", h)
	}
	if ms := Metrics(cfg); len(ms) != 2 || ms[0].Name != "in" || ms[0].MaxRate != 1.25e9 {
		t.Errorf("metrics %+v", ms)
	}
	if Threshold(cfg) != 99.99 {
		t.Errorf("threshold %v", Threshold(cfg))
	}
}

// Mistakes that only show against the metrics and prices stop a run
// before anything is written, naming the key.
func TestCheck(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*config.Config)
		want string
	}{
		"a unit with no conversion": {func(c *config.Config) {
			c.Plans[0].Metrics["in"] = config.MetricPrice{Unit: "Gb", Rate: decimal.NewFromInt(1)}
		}, "plans[0].metrics.in.unit: Gb does not convert from the metric's bytes (units: B GB GiB KB KiB MB MiB TB TiB)"},
		"a metric nobody defines": {func(c *config.Config) {
			c.Plans[0].Metrics["rsss"] = config.MetricPrice{Unit: "GB"}
		}, "plans[0].metrics.rsss: no metric is named rsss (the metrics: in, out)"},
		"a symlink out of rrd_dir": {func(c *config.Config) {
			dir := t.TempDir()
			target, _ := filepath.Abs(c.Customers[0].VPS[0].File)
			os.Symlink(target, filepath.Join(dir, "a1.rrd"))
			c.RRDDir, c.Customers[0].VPS[0].File = dir, filepath.Join(dir, "a1.rrd")
		}, "a1.rrd leads to " + func() string { p, _ := filepath.Abs("../../report/testdata/fixtures/vps-full/file.rrd"); return p }() + ", outside rrd_dir"},
		"one file, two VPS": {func(c *config.Config) {
			c.Customers[1].VPS[0].File = c.Customers[0].VPS[0].File
		}, "VPS a1 and b1 are the same file"},
		"one file, two VPS, by a hard link": {func(c *config.Config) {
			dir := t.TempDir()
			src, _ := os.ReadFile(c.Customers[0].VPS[0].File)
			os.WriteFile(filepath.Join(dir, "a1.rrd"), src, 0o644)
			os.Link(filepath.Join(dir, "a1.rrd"), filepath.Join(dir, "b1.rrd"))
			c.AllowOutsideRRDDir = true // the files are in a temporary directory
			c.Customers[0].VPS[0].File, c.Customers[1].VPS[0].File = filepath.Join(dir, "a1.rrd"), filepath.Join(dir, "b1.rrd")
		}, "VPS a1 and b1 are the same file ("},
		"one file, two VPS, by a symlink in rrd_dir": {func(c *config.Config) {
			dir := t.TempDir()
			src, _ := os.ReadFile(c.Customers[0].VPS[0].File)
			os.WriteFile(filepath.Join(dir, "a1.rrd"), src, 0o644)
			os.Symlink("a1.rrd", filepath.Join(dir, "b1.rrd"))
			c.AllowOutsideRRDDir = true // the files are in a temporary directory
			c.Customers[0].VPS[0].File, c.Customers[1].VPS[0].File = filepath.Join(dir, "a1.rrd"), filepath.Join(dir, "b1.rrd")
		}, "VPS a1 and b1 are the same file ("},
	} {
		o, out := setup(t, "")
		c.edit(o.Config)
		_, err := Run(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Errorf("%s: wrote %d entries", name, len(ents))
		}
	}
}

// The traffic chart adds every VPS on the days it was active (one that
// starts mid-month too), and the availability chart is drawn against the
// plan's SLA target, not the operational threshold.
func TestCharts(t *testing.T) {
	y := strings.Replace(cfgYAML, "plans:\n", "plans:\n  - {id: sla, monthly_fee: \"1.00\", sla: {target: 99.5}}\n", 1) +
		"  - {id: M, country: DE, city: Berlin, name: M, currency: EUR, plan: sla, vps: [{name: m1, file: vps-parts/file.rrd, host: host-a}, {name: m2, file: vps-full/file.rrd, active_from: 2026-10-20}]}\n"
	cfg, err := config.Parse([]byte(y), ".")
	if err != nil {
		t.Fatal(err)
	}
	p := period.Month(2026, time.October, time.UTC)
	u, err := report.Usage(context.Background(), VPSSources(cfg), p, Metrics(cfg), report.Options{Daily: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := report.SLA(context.Background(), HostSources(cfg), p, Threshold(cfg), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fig := pricing.Figures{Usage: map[string]*report.VPSUsage{}, Hosts: map[string]*report.HostSLA{}}
	for i := range u.VPS {
		fig.Usage[u.VPS[i].Name] = &u.VPS[i]
	}
	for i := range s.Hosts {
		fig.Hosts[s.Hosts[i].Name] = &s.Hosts[i]
	}
	// m1's file begins on 8 October (vps-parts): it is measured from then
	m1, m2 := fig.Usage["m1"].Daily, fig.Usage["m2"].Daily
	if len(m1) != 24 || m1[0].Day != "2026-10-08" || len(m2) != 12 {
		t.Fatalf("daily series of %d and %d days", len(m1), len(m2))
	}
	ch := charts(cfg, "M", fig)
	if len(ch.Daily) != 24 {
		t.Fatalf("the chart has %d days", len(ch.Daily))
	}
	if ch.Daily[0] != m1[0] {
		t.Errorf("8 October: %+v, want m1's alone %+v", ch.Daily[0], m1[0])
	}
	if d := ch.Daily[18]; d.Day != "2026-10-26" || d.In != m1[18].In+m2[6].In || d.Out != m1[18].Out+m2[6].Out {
		t.Errorf("26 October: %+v, want m1 %+v + m2 %+v", d, m1[18], m2[6])
	}
	if ch.Target != 99.5 {
		t.Errorf("target %v, want the plan's 99.5", ch.Target)
	}
	below := ch.BelowTarget()
	for i, d := range ch.Uptime {
		if below[i] != (float64(d.UptimePct) < 99.5) {
			t.Errorf("%s: uptime %v shaded %v", d.Day, d.UptimePct, below[i])
		}
	}
	if a := charts(cfg, "A", fig); a.Target != Threshold(cfg) {
		t.Errorf("without an SLA the target is the threshold, not %v", a.Target)
	}
}

// A usage given to run was computed for the plans' 95th percentile, or is
// refused: a figure of another step would bill another amount.
func TestGivenUsageP95Step(t *testing.T) {
	p := period.Month(2026, time.October, time.UTC)
	vps := []report.Source{{Name: "a", File: "a.rrd", P95Step: 600}}
	u := func(step int64) *report.UsageReport {
		return &report.UsageReport{Period: report.NewPeriodJSON(p), VPS: []report.VPSUsage{{Name: "a", P95: &report.P95{Max: 1, Step: step}}}}
	}
	if _, err := givenUsage(u(600), p, vps, nil); err != nil {
		t.Errorf("the plan's step refused: %v", err)
	}
	if _, err := givenUsage(u(0), p, vps, nil); err == nil || !strings.Contains(err.Error(), "its plan bills 600 seconds") {
		t.Errorf("rows for a 600-second plan: %v", err)
	}
	vps[0].P95Sum = true
	if _, err := givenUsage(u(600), p, vps, nil); err == nil || !strings.Contains(err.Error(), "no in + out") {
		t.Errorf("no sum for a plan billing sum: %v", err)
	}
}
