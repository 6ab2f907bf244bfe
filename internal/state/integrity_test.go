package state

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A state directory's path reaches SQLite as a file name, whatever it
// holds: '#', '?', '%' and spaces name the directory, not a URI's
// fragment, query or escape.
func TestStateDirAnyPath(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"b#eu", "b?mode=ro", "b%41", "b %20 c", "b#?%"} {
		parent := t.TempDir()
		dir := filepath.Join(parent, name, "state")
		r, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if err := r.RecordPeriod(ctx, Entry{Period: "2026-10", Start: "2026-10-01T00:00:00Z"}); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		r.Close()
		if st, err := os.Stat(filepath.Join(dir, RegisterFile)); err != nil || st.Size() == 0 {
			t.Errorf("%q: the register is not in the state directory: %v", name, err)
		}
		ents, _ := os.ReadDir(parent)
		if len(ents) != 1 || ents[0].Name() != name {
			t.Errorf("%q: the parent holds %v", name, ents)
		}
		l, err := LoadLedger(dir)
		if err != nil || len(l.Entries) != 1 {
			t.Errorf("%q: the ledger read back: %+v %v", name, l, err)
		}
	}
}

// issueN records n issued documents, dated 2026-11-0i.
func issueN(t *testing.T, r *Register, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		d, err := r.Allocate(ctx, "invoice", func(seq int) (Document, error) {
			return Document{Number: fmt.Sprintf("INV-%d", seq), Kind: "invoice", CustomerID: "A", Period: "2026-10",
				IssueDate: fmt.Sprintf("2026-11-%02d", seq), DueDate: "2026-11-30", Currency: "EUR", Total: "10.00", Taxes: `[{"rate":"19"}]`,
				Model: `{"n":1}`, PDFPath: "/o/INV.pdf", JSONPath: "/o/INV.json"}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		d.PDFSHA256, d.JSONSHA256 = fmt.Sprintf("p%d", i), fmt.Sprintf("j%d", i)
		if err := r.Finish(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
}

// The chain finds a row changed, deleted or added after it was issued,
// naming the document, and a clean register has none of it.
func TestChainFindsTampering(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, sql, want string
	}{
		{"clean", "", ""},
		{"amount", "UPDATE documents SET total = '0.01' WHERE number = 'INV-2'", "INV-2: its register row is not what was issued"},
		{"digest", "UPDATE documents SET json_sha256 = 'forged' WHERE number = 'INV-3'", "INV-3: its register row is not what was issued"},
		{"vat", `UPDATE documents SET taxes = '[{"rate":"0"}]' WHERE number = 'INV-1'`, "INV-1: its register row"},
		{"delete last", "DELETE FROM documents WHERE number = 'INV-3'", "the register's chain ends at 2 document(s)"},
		{"delete middle", "DELETE FROM documents WHERE number = 'INV-2'", "no document at place 2-2, before INV-3"},
		{"added", `INSERT INTO documents (number, kind, status, customer_id, period, issue_date, due_date, currency, total, taxes, content_digest, model, pdf_path, json_path)
			VALUES ('INV-9', 'invoice', 'issued', 'A', '2026-10', '2026-11-09', '2026-11-30', 'EUR', '5', '[]', 'x', '{}', 'a.pdf', 'a.json')`, "INV-9: issued, but not in the register's chain"},
	} {
		r, err := Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		issueN(t, r, 3)
		if c.sql != "" {
			if _, err := r.db.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := r.CheckChain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(rep.Problems, "\n")
		if c.want == "" && (got != "" || rep.Head.Index != 3 || len(rep.Head.Hash) != 64) || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: head %v, problems:\n%s", c.name, rep.Head, got)
		}
		if c.want != "" && len(rep.Problems) != 1 {
			t.Errorf("%s: %d problems, want the one:\n%s", c.name, len(rep.Problems), got)
		}
		r.Close()
	}
}

// Two registers with the same documents have different chains: the
// chain starts from the register's identity.
func TestChainIsTheRegisters(t *testing.T) {
	ctx := context.Background()
	var heads []Head
	for range 2 {
		r, err := Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		issueN(t, r, 2)
		rep, _ := r.CheckChain(ctx)
		heads = append(heads, rep.Head)
		r.Close()
	}
	if heads[0].Index != 2 || heads[0] == heads[1] {
		t.Errorf("heads %v", heads)
	}
}

// An issue date before the register's latest is refused, naming both
// dates, and gives no number: a clock set back, or a year's series
// reopened after the next year's first number.
func TestIssueDatesNeverGoBack(t *testing.T) {
	ctx := context.Background()
	r, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	alloc := func(seq, date string) error {
		_, err := r.Allocate(ctx, seq, func(n int) (Document, error) {
			return Document{Number: fmt.Sprintf("%s-%d", seq, n), Kind: "invoice", CustomerID: "A", Period: "2026-11", IssueDate: date, Taxes: "[]", Model: "{}"}, nil
		})
		return err
	}
	if err := alloc("invoice-2026", "2026-12-10"); err != nil {
		t.Fatal(err)
	}
	var de *DateError
	if err := alloc("invoice-2026", "2026-12-05"); !errors.As(err, &de) || !strings.Contains(err.Error(), "2026-12-05, before 2026-12-10, the issue date of invoice-2026-1") {
		t.Errorf("the clock set back: %v", err)
	}
	if err := alloc("invoice-2026", "2026-12-10"); err != nil {
		t.Errorf("the same day again: %v", err)
	}
	if err := alloc("invoice-2027", "2027-01-04"); err != nil {
		t.Fatal(err)
	}
	if err := alloc("invoice-2026", "2026-12-31"); !errors.As(err, &de) {
		t.Errorf("the 2026 series after 2027's first number: %v", err)
	}
	var n int
	r.db.QueryRow("SELECT next FROM sequences WHERE name = 'invoice-2026'").Scan(&n)
	if n != 3 {
		t.Errorf("a refused date took a number: next %d", n)
	}
}

// Random bytes over a page of the register are found by quick_check (and
// integrity_check), and the error names the file.
func TestDamagedRegisterIsFound(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	issueN(t, r, 20)
	if err := r.Check(ctx, false); err != nil {
		t.Fatalf("a sound register: %v", err)
	}
	r.Close()
	path := filepath.Join(dir, RegisterFile)
	b, _ := os.ReadFile(path)
	if len(b) < 3*4096 {
		t.Fatalf("register of %d bytes: no page 2 to damage", len(b))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 4096; i < 2*4096; i++ {
		b[i] = byte(rng.IntN(256))
	}
	os.WriteFile(path, b, 0o644)
	for _, full := range []bool{false, true} {
		r, err := Open(ctx, dir)
		if err == nil {
			err = r.Check(ctx, full)
			r.Close()
		}
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("full %v: a damaged register: %v", full, err)
		}
	}
}
