package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"
	"github.com/shopspring/decimal"
)

var issueDay = func() time.Time { return time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC) }

// issueOpts issues every draft of o's run: the fixture's customers are
// flagged (a counter reset, low coverage), so each is accepted.
func issueOpts(o Options) IssueOptions {
	return IssueOptions{Config: o.Config, Period: o.Period, Now: issueDay, Accept: []string{"A", "B"}, By: "tester", Note: "reviewed"}
}

// The lifecycle: drafts, issued once with numbers and read-only files;
// a rerun with the same figures drafts nothing new; a rerun after a price
// change drafts a credit note and a replacement, which issue with the next
// numbers, the originals untouched.
func TestIssueLifecycle(t *testing.T) {
	o, out := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	res, err := Issue(ctx, issueOpts(o))
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(res.Issued); got != "INV-2026-00001 INV-2026-00002" {
		t.Fatalf("issued %s", got)
	}
	first := res.Issued[0]
	if first.IssueDate != "2026-11-03" || first.DueDate != "2026-11-17" || first.Kind != "invoice" {
		t.Errorf("first %+v", first)
	}
	pdf1, _ := os.ReadFile(first.PDFPath)
	if st, err := os.Stat(first.PDFPath); err != nil || st.Mode().Perm()&0o222 != 0 {
		t.Errorf("issued PDF %v is writable (%v)", first.PDFPath, err)
	}
	if txt := pdfText(t, first.PDFPath); !strings.Contains(txt, "INV-2026-00001") || strings.Contains(txt, "DRAFT") {
		t.Errorf("issued PDF text:\n%s", txt)
	}
	// nothing waits now
	if res, err := Issue(ctx, issueOpts(o)); err != nil || len(res.Issued) != 0 {
		t.Fatalf("second issue: %v %v", numbers(res.Issued), err)
	}
	// the same figures again: nothing new
	r, err := Run(ctx, o)
	if err != nil || len(r.Changes) != 0 {
		t.Fatalf("rerun: changes %+v, %v", r.Changes, err)
	}
	// other words for the same bill (a customer who changes language):
	// nothing is corrected
	o.Config.Customers[0].Language = "fr"
	r, err = Run(ctx, o)
	if err != nil || len(r.Changes) != 0 || len(r.Repriced) != 0 {
		t.Fatalf("new words: changes %+v, repriced %+v, %v", r.Changes, r.Repriced, err)
	}
	o.Config.Customers[0].Language = "en"
	// the customer's own price or a charge added in place: listed, not
	// corrected, as a plan's new price is
	fee := decimal.RequireFromString("1.00")
	o.Config.Customers[0].Price = &config.Price{MonthlyFee: &fee}
	o.Config.Customers[1].Charges = []config.Charge{{Description: "Setup", Amount: fee, From: "2026-10", Until: "2026-11"}}
	r, err = Run(ctx, o)
	if err != nil || len(r.Changes) != 0 || len(r.Repriced) != 2 || r.Repriced[0].Keys[0] != "customer "+o.Config.Customers[0].ID+" price" ||
		r.Repriced[1].Keys[0] != "customer "+o.Config.Customers[1].ID+" charges" {
		t.Fatalf("own price: changes %+v, repriced %+v, %v", r.Changes, r.Repriced, err)
	}
	o.Config.Customers[0].Price, o.Config.Customers[1].Charges = nil, nil
	// a new price in place: the issued period is not repriced, only
	// listed; with Reprice, A and B are corrected
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("12.00")
	o.Config.Plans[1].MonthlyFee = decimal.RequireFromString("1600")
	r, err = Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 || len(r.Repriced) != 2 || r.Repriced[0].Issued != "INV-2026-00001" || r.Repriced[0].Keys[0] != "plan "+o.Config.Plans[0].ID {
		t.Fatalf("without reprice: changes %+v, repriced %+v", r.Changes, r.Repriced)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "invoices", "DRAFT-2026-10-A-CN.pdf")); err == nil {
		t.Errorf("a credit note drafted without reprice")
	}
	o.Reprice = true
	r, err = Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 2 || r.Changes[0].Issued != "INV-2026-00001" || r.Changes[0].OldTotal == r.Changes[0].NewTotal {
		t.Fatalf("changes %+v", r.Changes)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "invoices", "DRAFT-2026-10-A-CN.pdf")); err != nil {
		t.Errorf("no credit note draft: %v", err)
	}
	res, err = Issue(ctx, issueOpts(o))
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(res.Issued); got != "INV-2026-00003 INV-2026-00004 INV-2026-00005 INV-2026-00006" {
		t.Fatalf("corrections issued %s", got)
	}
	cn, repl := res.Issued[0], res.Issued[1]
	if cn.Kind != "credit_note" || cn.Corrects != "INV-2026-00001" || repl.Kind != "invoice" || repl.Corrects != "INV-2026-00001" {
		t.Errorf("credit note %+v, replacement %+v", cn, repl)
	}
	if txt := pdfText(t, cn.PDFPath); !strings.Contains(txt, "CREDIT NOTE") || !strings.Contains(txt, "INV-2026-00001 of 2026-11-03") {
		t.Errorf("credit note text:\n%s", txt)
	}
	// the replacement names the credit note issued before it
	var m model
	if err := json.Unmarshal([]byte(repl.Model), &m); err != nil || m.Invoice.CancelledBy == nil || m.Invoice.CancelledBy.Number != cn.Number || m.Invoice.CancelledBy.IssueDate != cn.IssueDate {
		t.Errorf("the replacement's cancelled_by: %+v (%v), want %s", m.Invoice.CancelledBy, err, cn.Number)
	}
	if txt := strings.Join(strings.Fields(pdfText(t, repl.PDFPath)), " "); !strings.Contains(txt, "Replaces INV-2026-00001 of") || !strings.Contains(txt, "Cancelled by "+cn.Number+" of "+cn.IssueDate) {
		t.Errorf("replacement text:\n%s", txt)
	}
	if b, _ := os.ReadFile(first.PDFPath); string(b) != string(pdf1) {
		t.Error("the original invoice's PDF changed")
	}
	// the replacement is now current: the same figures draft nothing
	if r, err := Run(ctx, o); err != nil || len(r.Changes) != 0 {
		t.Fatalf("after the correction: %+v %v", r.Changes, err)
	}
	v, err := Verify(ctx, VerifyOptions{Config: o.Config})
	if err != nil || len(v.Problems) != 0 || v.Chain.Head.Index != 6 {
		t.Fatalf("verify: %+v %v", v, err)
	}
	// tampering is found, naming the file
	os.Chmod(repl.PDFPath, 0o644)
	os.WriteFile(repl.PDFPath, []byte("%PDF-1.3 forged"), 0o644)
	os.Remove(cn.JSONPath)
	v, err = Verify(ctx, VerifyOptions{Config: o.Config})
	if err != nil {
		t.Fatal(err)
	}
	bad := v.Problems
	if len(bad) != 2 || !strings.Contains(bad[0], cn.JSONPath) && !strings.Contains(bad[1], cn.JSONPath) ||
		!strings.Contains(strings.Join(bad, "\n"), repl.PDFPath) {
		t.Errorf("verify after tampering: %q %v", bad, err)
	}
	_ = out
}

// Only ended periods are drafted or issued.
func TestOnlyEndedPeriods(t *testing.T) {
	o, _ := setup(t, "")
	ctx := context.Background()
	for _, c := range []struct {
		label string
		now   time.Time
	}{
		{"2026-12", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"2027-03", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-W53", time.Date(2027, 1, 2, 12, 0, 0, 0, time.UTC)},
	} {
		p, err := period.Parse(c.label, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		o.Period, o.Now = p, func() time.Time { return c.now }
		if _, err := Run(ctx, o); err == nil || !strings.Contains(err.Error(), "has not ended: it ends at "+p.End.Format(time.RFC3339)) {
			t.Errorf("%s on %s: %v", c.label, c.now, err)
		}
		if _, err := Issue(ctx, IssueOptions{Config: o.Config, Period: p, Now: o.Now}); err == nil || !strings.Contains(err.Error(), "has not ended") {
			t.Errorf("issue %s on %s: %v", c.label, c.now, err)
		}
	}
}

// TestIssueKilledAnywhere stops billrun issue at random steps (each number
// given, each file written and renamed, the directory synced, each
// document recorded), again and again, as kills would, then lets it
// complete, over many rounds: every number is given once, without gaps,
// and names one document whose files are there with the digests the
// register holds; no file is issued that the register does not hold.
func TestIssueKilledAnywhere(t *testing.T) {
	defer func() { fault = func(string) error { return nil } }()
	o, out := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	// the steps of one issue, in order
	snapshot := t.TempDir()
	copyTree(t, out, snapshot)
	var steps []string
	fault = func(s string) error { steps = append(steps, s); return nil }
	if _, err := Issue(ctx, issueOpts(o)); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 12 {
		t.Fatalf("steps %v", steps)
	}
	want, kills, rounds := 1000, 0, 0
	if testing.Short() {
		want = 30
	}
	rng := rand.New(rand.NewPCG(1, 2))
	killed := errors.New("killed")
	for round := 0; kills < want && round < 3*want; round++ {
		rounds++
		os.RemoveAll(out)
		copyTree(t, snapshot, out)
		for attempt := 0; ; attempt++ {
			n, at := 0, rng.IntN(len(steps)+1) // 0 or past the last step: no kill
			fault = func(string) error {
				if n++; n == at {
					return killed
				}
				return nil
			}
			_, err := Issue(ctx, issueOpts(o))
			if err == nil {
				break
			}
			if !errors.Is(err, killed) {
				t.Fatalf("round %d: %v", round, err)
			}
			kills++
			checkIssued(t, o, false)
		}
		checkIssued(t, o, true)
	}
	if kills < want {
		t.Errorf("only %d kills", kills)
	}
	t.Logf("%d rounds, %d kills", rounds, kills)
}

// checkIssued checks the register against the files: every issued
// document's files are there with its digests, numbers are unique and,
// when done, gap-free and all issued; no issued file lacks a document.
func checkIssued(t *testing.T, o Options, done bool) {
	t.Helper()
	ctx := context.Background()
	reg, err := state.Open(ctx, StateDir(o.Config, o.Config.OutDir))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	docs, err := reg.Documents(ctx, state.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for i, d := range docs {
		if want := fmt.Sprintf("INV-2026-%05d", i+1); d.Number != want {
			t.Fatalf("number %d is %s, want %s (gap or repeat)", i, d.Number, want)
		}
		files[d.PDFPath], files[d.JSONPath] = true, true
		if d.Status != "issued" {
			if done {
				t.Fatalf("%s still %s after a complete issue", d.Number, d.Status)
			}
			continue
		}
		for _, f := range [][2]string{{d.PDFPath, d.PDFSHA256}, {d.JSONPath, d.JSONSHA256}} {
			b, err := os.ReadFile(f[0])
			sum := sha256.Sum256(b)
			if err != nil || hex.EncodeToString(sum[:]) != f[1] {
				t.Fatalf("%s issued, but %s: %v / digest %x, want %s", d.Number, f[0], err, sum, f[1])
			}
		}
	}
	if done && len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	// the period's manifest lists issued documents only, with the
	// register's digests; after a complete issue, every one of them
	dir := filepath.Join(o.Config.OutDir, "issued", o.Period.Label)
	files[filepath.Join(dir, IssuedManifestName)] = true
	files[filepath.Join(dir, IssuedWorkbookName(o.Period.Label))] = true
	if b, err := os.ReadFile(filepath.Join(dir, IssuedManifestName)); err == nil {
		var m struct {
			Documents []IssuedDocument
			Workbook  Output
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("the issued manifest: %v", err)
		}
		// the workbook it lists is the one beside it, read-only
		wb, err := os.ReadFile(filepath.Join(dir, m.Workbook.Name))
		sum := sha256.Sum256(wb)
		if err != nil || hex.EncodeToString(sum[:]) != m.Workbook.SHA256 {
			t.Fatalf("the manifest's workbook %s: %v / digest %x, want %s", m.Workbook.Name, err, sum, m.Workbook.SHA256)
		}
		if fi, _ := os.Stat(filepath.Join(dir, m.Workbook.Name)); fi.Mode().Perm()&0o222 != 0 {
			t.Fatalf("the issued workbook is writable: %v", fi.Mode())
		}
		issued := map[string]string{}
		for _, d := range docs {
			if d.Status == "issued" {
				issued[d.Number] = d.PDFSHA256
			}
		}
		for _, d := range m.Documents {
			if sum, ok := issued[d.Number]; !ok || d.Outputs[0].SHA256 != sum {
				t.Fatalf("the manifest lists %s, which the register does not hold issued with that PDF", d.Number)
			}
		}
		if done && len(m.Documents) != len(issued) {
			t.Fatalf("after a complete issue the manifest lists %d of %d documents", len(m.Documents), len(issued))
		}
	} else if done {
		t.Fatalf("no issued manifest after a complete issue: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp") {
			if done {
				t.Fatalf("%s: a temporary file outlived the issue that completed", p)
			}
			continue
		}
		if !files[p] {
			t.Fatalf("%s is issued but no document of the register", p)
		}
	}
}

func numbers(ds []state.Document) string {
	var n []string
	for _, d := range ds {
		n = append(n, d.Number)
	}
	slices.Sort(n)
	return strings.Join(n, " ")
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (make deps installs poppler-utils)")
		}
		t.Skip("no pdftotext")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", from+"/.", to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
}

// A second billrun issue while one holds the state directory exits at
// once (or waits, with Wait), and a corrupt register stops a run before
// anything is published.
func TestIssueLockedAndCorruptRegister(t *testing.T) {
	o, out := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	lock, err := state.Acquire(ctx, StateDir(o.Config, out), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Issue(ctx, issueOpts(o)); !errors.Is(err, state.ErrLocked) {
		t.Errorf("issue while locked: %v", err)
	}
	lock.Release()
	os.WriteFile(filepath.Join(StateDir(o.Config, out), state.RegisterFile), []byte(strings.Repeat("garbage ", 1000)), 0o644)
	os.RemoveAll(filepath.Join(out, "2026-10"))
	if _, err := Run(ctx, o); err == nil || !strings.Contains(err.Error(), state.RegisterFile) {
		t.Errorf("run with a corrupt register: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "2026-10")); !os.IsNotExist(err) {
		t.Errorf("a run published what the register could not record: %v", err)
	}
}

// With number_restart: yearly each issue year has its own sequence from 1.
func TestIssueYearlySequence(t *testing.T) {
	o, _ := setup(t, "invoice: {number_format: \"R{year}-{seq:03}\", number_restart: yearly}\n")
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	res, err := Issue(ctx, IssueOptions{Config: o.Config, Period: o.Period, Customers: []string{"A"}, Now: issueDay, Accept: []string{"A", "B"}, By: "t", Note: "ok"})
	if err != nil || numbers(res.Issued) != "R2026-001" {
		t.Fatalf("2026: %s %v", numbers(res.Issued), err)
	}
	res, err = Issue(ctx, IssueOptions{Config: o.Config, Period: o.Period, Now: func() time.Time { return time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC) },
		Accept: []string{"A", "B"}, By: "t", Note: "ok"})
	if err != nil || numbers(res.Issued) != "R2027-001" {
		t.Fatalf("2027: %s %v", numbers(res.Issued), err)
	}
}

// A register that cannot be written (here its journal's name is taken by
// a directory, as a read-only or full disk would refuse it, whoever runs
// the test) stops a run before it publishes and an issue before it
// writes a document, with an error naming the register.
func TestUnwritableRegister(t *testing.T) {
	o, out := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "2026-10", "manifest.json"))
	journal := filepath.Join(StateDir(o.Config, out), state.RegisterFile+"-journal")
	if err := os.Mkdir(journal, 0o755); err != nil {
		t.Fatal(err)
	}
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("11.00") // a run that would publish other bytes
	_, err := Run(ctx, o)
	if err == nil || !strings.Contains(err.Error(), state.RegisterFile) {
		t.Errorf("run: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(out, "2026-10", "manifest.json")); string(after) != string(before) {
		t.Error("a run published what the register could not record")
	}
	if _, err := Issue(ctx, issueOpts(o)); err == nil || !strings.Contains(err.Error(), state.RegisterFile) {
		t.Errorf("issue: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "issued", "2026-10")); len(ents) != 0 {
		t.Errorf("issue wrote %d files the register does not hold", len(ents))
	}
}

// Each period's issued documents are listed, with every file's digest, in
// issued/<period>/manifest.json, rewritten as documents are added.
func TestIssuedManifest(t *testing.T) {
	o, out := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	res, err := Issue(ctx, issueOpts(o))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "issued", "2026-10")
	var m struct {
		Period    string           `json:"period"`
		Documents []IssuedDocument `json:"documents"`
	}
	b, err := os.ReadFile(filepath.Join(dir, IssuedManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Period != "2026-10" || len(m.Documents) != len(res.Issued) || len(res.Issued) == 0 {
		t.Fatalf("manifest %+v for %d issued", m, len(res.Issued))
	}
	for i, d := range m.Documents {
		if d.Number != res.Issued[i].Number || len(d.Outputs) < 2 {
			t.Errorf("document %d: %+v", i, d)
		}
		for _, f := range d.Outputs {
			body, err := os.ReadFile(filepath.Join(dir, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Errorf("%s: the manifest's digest is not the file's", f.Name)
			}
		}
	}
	// a correction adds its documents to the same manifest
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("12.00")
	o.Reprice = true
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	res2, err := Issue(ctx, issueOpts(o))
	if err != nil || len(res2.Issued) == 0 {
		t.Fatalf("%v, %d issued", err, len(res2.Issued))
	}
	b, _ = os.ReadFile(filepath.Join(dir, IssuedManifestName))
	json.Unmarshal(b, &m)
	if len(m.Documents) != len(res.Issued)+len(res2.Issued) {
		t.Errorf("%d documents in the manifest, %d issued", len(m.Documents), len(res.Issued)+len(res2.Issued))
	}
}

// setupWithClean is setup with a third customer, C, whose draft is clean
// (a flat fee, nothing measured that could flag it).
func setupWithClean(t *testing.T) Options {
	o, _ := setup(t, "")
	y := strings.Replace(cfgYAML, "plans:\n", "plans:\n  - {id: flat, monthly_fee: \"5.00\"}\n", 1) +
		"  - {id: C, country: DE, city: Berlin, name: \"C GmbH\", currency: EUR, plan: flat, vps: [{name: c1, file: vps-parts/file.rrd}]}\n"
	cfg := parseTestConfig(t, y)
	cfg.StateDir, cfg.OutDir = o.Config.StateDir, o.Config.OutDir
	o.Config = cfg
	return o
}

// Drafts the run flagged are held: billrun issue issues the clean ones
// and lists the held ones with their reasons; --accept issues a held one
// and the register keeps who accepted it, when, why and for what.
func TestIssueHoldsFlaggedDrafts(t *testing.T) {
	o := setupWithClean(t)
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	res, err := Issue(ctx, IssueOptions{Config: o.Config, Period: o.Period, Now: issueDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issued) != 1 || res.Issued[0].CustomerID != "C" || res.Issued[0].Accepted.By != "" {
		t.Fatalf("issued %+v, want only the clean C", res.Issued)
	}
	held := map[string]string{}
	for _, d := range res.Held {
		held[d.CustomerID] = strings.Join(d.Held, "; ")
	}
	if !strings.Contains(held["A"], "a1: in: 1 row(s) above the metric's limit") || !strings.Contains(held["B"], "the PDF shows ? for customer name: U+682A") || len(held) != 2 {
		t.Fatalf("held %q", held)
	}
	res, err = Issue(ctx, IssueOptions{Config: o.Config, Period: o.Period, Now: issueDay, Accept: []string{"A"}, By: "finance", Note: "reset checked"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issued) != 1 || len(res.Held) != 1 || res.Held[0].CustomerID != "B" {
		t.Fatalf("issued %+v, held %+v", res.Issued, res.Held)
	}
	reg, err := state.Open(ctx, StateDir(o.Config, o.OutDir))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	d, err := reg.Document(ctx, res.Issued[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	a := d.Accepted
	if d.CustomerID != "A" || a.By != "finance" || a.Note != "reset checked" || a.At != "2026-11-03T09:00:00Z" || strings.Join(a.Reasons, "; ") != held["A"] {
		t.Errorf("accepted %+v", d)
	}
}

// A draft is issued only as it was drafted: a change to what makes a
// customer's documents (its plan's fee, its file) refuses the issue,
// naming the customer and the part; a change that only another customer
// uses does not; drafting again clears it.
func TestIssueRefusesStaleDrafts(t *testing.T) {
	o := setupWithClean(t)
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	issue := func() (*IssueResult, error) {
		return Issue(ctx, IssueOptions{Config: o.Config, Period: o.Period, Now: issueDay, Customers: []string{"C"}})
	}
	o.Config.Plans[1].MonthlyFee = decimal.RequireFromString("11.00") // plan p: A's, not C's
	// C's draft is current: A's change does not matter to it
	if changed := changedSince(draftBasis(t, o, "C"), newBases(o.Config).of("C")); changed != nil {
		t.Fatalf("C's draft stale for A's plan: %v", changed)
	}
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("6.00") // plan flat: C's
	_, err := issue()
	var stale *StaleError
	if !errors.As(err, &stale) || strings.Join(stale.Stale["C"], ",") != "plan flat" ||
		!strings.Contains(err.Error(), "customer C: plan flat changed") || !strings.Contains(err.Error(), "run billrun run --period 2026-10 again") {
		t.Fatalf("a fee changed after the run: %v", err)
	}
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("5.00")
	// C's file replaced by another (other size, other figures): its basis
	// changed, but C pays a flat fee, so drafting again gives the same
	// documents, and they are issued as drafted
	tmp := filepath.Join(t.TempDir(), "file.rrd")
	b, err := os.ReadFile(filepath.Join("..", "..", "report", "testdata", "fixtures", "vps-parts", "file.rrd"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tmp, b, 0o644)
	o.Config.Customers[2].VPS[0].File = tmp
	if changed := changedSince(draftBasis(t, o, "C"), newBases(o.Config).of("C")); len(changed) == 0 {
		t.Fatalf("C's basis did not change with its file")
	}
	res, err := issue()
	if err != nil || len(res.Issued) != 1 {
		t.Fatalf("as drafted again: %+v, %v", res, err)
	}
}

// draftBasis is the basis recorded with customer id's waiting draft.
func draftBasis(t *testing.T, o Options, id string) string {
	t.Helper()
	reg, err := state.Open(context.Background(), StateDir(o.Config, o.OutDir))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ds, err := reg.Drafts(context.Background(), o.Period.Label, "waiting")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.CustomerID == id {
			return d.Basis
		}
	}
	t.Fatalf("no draft of %s", id)
	return ""
}
