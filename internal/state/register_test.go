package state

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The first Open of a state directory with the JSON state of before the
// register imports every period and every number, and the sequence goes on
// after them; a second Open imports nothing again.
func TestRegisterImportsJSONState(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ledger.json"), []byte(`{"periods": [
		{"period": "2026-09", "start": "2026-09-01T00:00:00Z", "end": "2026-10-01T00:00:00Z", "completed_at": "2026-10-01T03:00:05Z", "manifest_digest": "sha256:aa", "duration_seconds": 5.5},
		{"period": "2026-10", "start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z", "completed_at": "2026-11-01T03:00:04Z", "manifest_digest": "sha256:bb", "duration_seconds": 4}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "invoice-numbers.json"), []byte(`{"next": 4, "issued": {"2026-09": {"A": "INV-2026-00001", "B": "INV-2026-00002"}, "2026-10": {"A": "INV-2026-00003"}}}`), 0o644)
	ctx := context.Background()
	for range 2 {
		r, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		es, err := r.Periods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Entry{
			{Period: "2026-09", Start: "2026-09-01T00:00:00Z", End: "2026-10-01T00:00:00Z", CompletedAt: "2026-10-01T03:00:05Z", ManifestDigest: "sha256:aa", DurationSeconds: 5.5},
			{Period: "2026-10", Start: "2026-10-01T00:00:00Z", End: "2026-11-01T00:00:00Z", CompletedAt: "2026-11-01T03:00:04Z", ManifestDigest: "sha256:bb", DurationSeconds: 4},
		}
		if !reflect.DeepEqual(es, want) {
			t.Errorf("periods %+v", es)
		}
		var next, n int
		r.db.QueryRow("SELECT next FROM sequences WHERE name = ?", LegacySequence).Scan(&next)
		r.db.QueryRow("SELECT count(*) FROM legacy_numbers").Scan(&n)
		if next != 4 || n != 3 {
			t.Errorf("sequence next %d, %d legacy numbers", next, n)
		}
		r.Close()
	}
}

// A register that is not a database, or of a newer schema, is an error
// naming the file, not a silent fresh start.
func TestRegisterRefusesWhatItCannotRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, RegisterFile), []byte(strings.Repeat("not a database ", 100)), 0o644)
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, RegisterFile)) {
		t.Errorf("corrupt register: %v", err)
	}
	dir = t.TempDir()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	r.db.Exec("PRAGMA user_version = 99")
	r.Close()
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer schema: %v", err)
	}
	dir = t.TempDir()
	os.Mkdir(filepath.Join(dir, RegisterFile), 0o755)
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory for the register: %v", err)
	}
}

// A register of schema 1 (before e-invoices) opens at the current schema:
// its documents kept, each with no XML and no acceptance, its drafts with
// no basis (billrun issue then asks for billrun run again), and new
// documents record their XML and acceptance.
func TestRegisterMigratesFromSchema1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, RegisterFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{schema[0], "PRAGMA user_version = 1",
		`INSERT INTO documents (number, kind, status, customer_id, period, issue_date, due_date, currency, total, taxes, content_digest, model, pdf_path, pdf_sha256, json_path, json_sha256)
		 VALUES ('INV-1', 'invoice', 'issued', 'A', '2026-09', '2026-10-02', '2026-10-16', 'EUR', '10', '[]', 'x', '{}', 'a.pdf', 'p', 'a.json', 'j')`,
		`INSERT INTO drafts (period, customer_id, kind, status, blocking, content_digest, model) VALUES ('2026-10', 'B', 'invoice', 'waiting', 0, 'y', '{}')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var version int
	r.db.QueryRow("PRAGMA user_version").Scan(&version)
	docs, err := r.Documents(ctx, DocumentFilter{})
	if err != nil || version != len(schema) || len(docs) != 1 || docs[0].Number != "INV-1" || docs[0].XMLPath != "" || docs[0].PDFSHA256 != "p" ||
		!reflect.DeepEqual(docs[0].Accepted, Acceptance{}) {
		t.Fatalf("version %d, documents %+v, %v", version, docs, err)
	}
	drafts, err := r.Drafts(ctx, "2026-10", "waiting")
	if err != nil || len(drafts) != 1 || drafts[0].Held != nil || drafts[0].Basis != "" {
		t.Fatalf("drafts %+v, %v", drafts, err)
	}
	accepted := Acceptance{By: "finance", At: "2026-11-03T09:00:00Z", Note: "outage confirmed", Reasons: []string{"coverage low", "late input"}}
	d, err := r.Allocate(ctx, "s", func(n int) (Document, error) {
		return Document{Number: "INV-2", Kind: "invoice", CustomerID: "A", Period: "2026-10", IssueDate: "2026-11-03", Taxes: "[]", Model: "{}",
			PDFPath: "b.pdf", JSONPath: "b.json", XMLPath: "b.xml", Accepted: accepted}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.XMLSHA256 = "x2"
	if err := r.Finish(ctx, d); err != nil {
		t.Fatal(err)
	}
	docs, _ = r.Documents(ctx, DocumentFilter{Period: "2026-10"})
	if len(docs) != 1 || docs[0].XMLPath != "b.xml" || docs[0].XMLSHA256 != "x2" || !reflect.DeepEqual(docs[0].Accepted, accepted) {
		t.Errorf("a new document's e-invoice and acceptance: %+v", docs)
	}
	// the document issued before the chain is chained once, recorded as
	// such; the new one follows it
	rep, err := r.CheckChain(ctx)
	if err != nil || len(rep.Problems) != 0 || rep.Head.Index != 2 || rep.BuiltOver != 1 || rep.BuiltAt == "" {
		t.Errorf("chain after the migration: %+v %v", rep, err)
	}
}
