package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/billrun/billrun/internal/inputfile"
	_ "modernc.org/sqlite" // pure Go: the binary stays static
)

// RegisterFile is the register's name in the state directory.
const RegisterFile = "register.db"

// schema is the register's tables, by version: migration i takes a
// register from version i to i+1, in one transaction.
var schema = []string{
	// 1: the ledger, the number sequences, the issued documents, the
	// drafts waiting, and the numbers billrun issued before the register.
	`CREATE TABLE periods (
		period TEXT PRIMARY KEY,
		start TEXT NOT NULL,
		end TEXT NOT NULL,
		completed_at TEXT NOT NULL,
		manifest_digest TEXT NOT NULL,
		duration_seconds REAL NOT NULL,
		files_read INTEGER NOT NULL,
		invoices INTEGER NOT NULL,
		problems INTEGER NOT NULL
	);
	CREATE TABLE sequences (
		name TEXT PRIMARY KEY,
		next INTEGER NOT NULL CHECK (next >= 1)
	);
	CREATE TABLE documents (
		number TEXT PRIMARY KEY,
		kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
		status TEXT NOT NULL CHECK (status IN ('issuing', 'issued')),
		customer_id TEXT NOT NULL,
		period TEXT NOT NULL,
		issue_date TEXT NOT NULL,
		due_date TEXT NOT NULL,
		currency TEXT NOT NULL,
		total TEXT NOT NULL,
		taxes TEXT NOT NULL,
		corrects TEXT REFERENCES documents(number),
		content_digest TEXT NOT NULL,
		model TEXT NOT NULL,
		pdf_path TEXT NOT NULL,
		pdf_sha256 TEXT,
		json_path TEXT NOT NULL,
		json_sha256 TEXT
	);
	CREATE INDEX documents_period ON documents (period, customer_id);
	CREATE TABLE drafts (
		period TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
		corrects TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL CHECK (status IN ('waiting', 'issued')),
		blocking INTEGER NOT NULL,
		content_digest TEXT NOT NULL,
		model TEXT NOT NULL,
		PRIMARY KEY (period, customer_id, kind, corrects)
	);
	CREATE TABLE legacy_numbers (
		period TEXT NOT NULL,
		customer_id TEXT NOT NULL,
		number TEXT PRIMARY KEY
	);`,
	// 2: each document's e-invoice (XRechnung or Peppol XML beside the
	// PDF; empty when the customer takes none, or when the PDF itself is
	// the Factur-X invoice).
	`ALTER TABLE documents ADD COLUMN xml_path TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN xml_sha256 TEXT`,
	// 3: the review gate. A draft is held for a person (held: its
	// reasons, one per line) and records the digests of what made it
	// (basis); a held draft issued on purpose records who accepted it,
	// when, why and the reasons they accepted.
	`ALTER TABLE drafts ADD COLUMN held TEXT NOT NULL DEFAULT '';
	ALTER TABLE drafts ADD COLUMN basis TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN accepted_by TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN accepted_at TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN accepted_note TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN accepted_reasons TEXT NOT NULL DEFAULT ''`,
	// 4: the register's identity, and the hash chain over its issued
	// documents (chain.go): each issued row's place in the chain and its
	// hash; the register row keeps the chain's head, and when the chain
	// was built over documents issued before it existed. Allocate finds
	// the latest issue date by its index, not by reading every row.
	`CREATE TABLE register (
		one INTEGER PRIMARY KEY CHECK (one = 1),
		id TEXT NOT NULL,
		created_at TEXT NOT NULL,
		chain_built_at TEXT NOT NULL DEFAULT '',
		chain_built_over INTEGER NOT NULL DEFAULT 0,
		head_index INTEGER NOT NULL DEFAULT 0,
		head_hash TEXT NOT NULL DEFAULT ''
	);
	ALTER TABLE documents ADD COLUMN chain_index INTEGER;
	ALTER TABLE documents ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
	CREATE UNIQUE INDEX documents_chain ON documents (chain_index);
	CREATE INDEX documents_issue_date ON documents (issue_date)`,
	// 5: the delivery log (deliveries.go): each issued document's e-mail
	// to each recipient, logged as sending before the SMTP transaction and
	// as sent (with the server's reply and the attachments' digests),
	// retry or failed after it.
	`CREATE TABLE deliveries (
		id INTEGER PRIMARY KEY,
		number TEXT NOT NULL REFERENCES documents(number),
		recipient TEXT NOT NULL,
		message_id TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'retry', 'failed')),
		purpose TEXT NOT NULL DEFAULT '',
		attempts INTEGER NOT NULL DEFAULT 1,
		first_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		next_at TEXT NOT NULL DEFAULT '',
		reply TEXT NOT NULL DEFAULT '',
		attachments TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX deliveries_number ON deliveries (number, recipient)`,
}

// Register is the state directory's SQLite database: the ledger of billed
// periods, the invoice number sequences, every issued document, and the
// drafts. It is opened by one process at a time, under the state lock.
type Register struct {
	db   *sql.DB
	path string
}

// Open opens (creating it when needed) stateDir's register, brings its
// schema to the current version and, on first start, imports the ledger
// and invoice numbers of the JSON state that came before it.
func Open(ctx context.Context, stateDir string) (*Register, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, RegisterFile)
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("register %s: not a regular file", path)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	r := &Register{db: db, path: path}
	if err := r.migrate(ctx, stateDir); err != nil {
		db.Close()
		return nil, err
	}
	return r, nil
}

// dsn is the SQLite URI of the database at path. The path is escaped,
// because SQLite reads a URI's '?' as the start of its query, '#' as its
// fragment and decodes %HH: unescaped, /srv/b#eu/state would open /srv/b.
// A read-only database is one whose file is never written (a backup being
// checked).
func dsn(path string, readOnly bool) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // a relative path's first segment could read as an authority
	}
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	q := "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=journal_mode(DELETE)"
	if readOnly {
		q = "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	}
	return "file:" + esc + q
}

// Close closes the database.
func (r *Register) Close() error { return r.db.Close() }

// Path is the database file.
func (r *Register) Path() string { return r.path }

// errf names the register in an error.
func (r *Register) errf(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("register %s: %s: %w", r.path, what, err)
}

// migrate brings the schema to len(schema), importing the JSON state when
// it creates the register.
func (r *Register) migrate(ctx context.Context, stateDir string) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return r.errf(err, "begin")
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return r.errf(err, "read the schema version (a corrupt file?)")
	}
	if version > len(schema) {
		return fmt.Errorf("register %s: schema version %d is newer than this billrun knows (%d)", r.path, version, len(schema))
	}
	if version == len(schema) {
		return nil
	}
	for v := version; v < len(schema); v++ {
		if _, err := tx.ExecContext(ctx, schema[v]); err != nil {
			return r.errf(err, fmt.Sprintf("migrate to version %d", v+1))
		}
	}
	if version == 0 {
		if err := importJSON(ctx, tx, stateDir); err != nil {
			return r.errf(err, "import the JSON state")
		}
	}
	if version < 4 {
		if err := startIdentity(ctx, tx, version > 0); err != nil {
			return r.errf(err, "give the register its identity")
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(schema))); err != nil {
		return r.errf(err, "set the schema version")
	}
	return r.errf(tx.Commit(), "commit the migration")
}

// importJSON takes ledger.json and invoice-numbers.json, the state before
// the register, into it: every billed period, the numbers given and the
// sequence's next, so that no number is given twice. The files are left
// where they are.
func importJSON(ctx context.Context, tx *sql.Tx, stateDir string) error {
	b, err := inputfile.ReadFile(filepath.Join(stateDir, LedgerFile), 256<<20)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		var l struct {
			Entries []Entry `json:"periods"`
		}
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("%s: %w", LedgerFile, err)
		}
		for _, e := range l.Entries {
			if err := insertPeriod(ctx, tx, e); err != nil {
				return err
			}
		}
	}
	b, err = inputfile.ReadFile(filepath.Join(stateDir, legacyNumberFile), 256<<20)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	var n struct {
		Next   int                          `json:"next"`
		Issued map[string]map[string]string `json:"issued"`
	}
	if err := json.Unmarshal(b, &n); err != nil || n.Next < 1 {
		return fmt.Errorf("%s: corrupt (%v)", legacyNumberFile, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO sequences (name, next) VALUES (?, ?)", LegacySequence, n.Next); err != nil {
		return err
	}
	for p, byCustomer := range n.Issued {
		for c, num := range byCustomer {
			if _, err := tx.ExecContext(ctx, "INSERT INTO legacy_numbers (period, customer_id, number) VALUES (?, ?, ?)", p, c, num); err != nil {
				return err
			}
		}
	}
	return nil
}

// legacyNumberFile is where billrun kept its invoice numbers before the
// register.
const legacyNumberFile = "invoice-numbers.json"

// LegacySequence is the sequence the JSON state's numbers came from: one
// that never restarted.
const LegacySequence = "invoice"

func insertPeriod(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, e Entry) error {
	_, err := q.ExecContext(ctx, `INSERT INTO periods (period, start, end, completed_at, manifest_digest, duration_seconds, files_read, invoices, problems)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (period) DO UPDATE SET start = excluded.start, end = excluded.end, completed_at = excluded.completed_at,
			manifest_digest = excluded.manifest_digest, duration_seconds = excluded.duration_seconds,
			files_read = excluded.files_read, invoices = excluded.invoices, problems = excluded.problems`,
		e.Period, e.Start, e.End, e.CompletedAt, e.ManifestDigest, e.DurationSeconds, e.FilesRead, e.Invoices, e.Problems)
	return err
}

// Periods is the ledger, by start.
func (r *Register) Periods(ctx context.Context) ([]Entry, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT period, start, end, completed_at, manifest_digest, duration_seconds, files_read, invoices, problems
		FROM periods ORDER BY start, period`)
	if err != nil {
		return nil, r.errf(err, "read the ledger")
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Period, &e.Start, &e.End, &e.CompletedAt, &e.ManifestDigest, &e.DurationSeconds, &e.FilesRead, &e.Invoices, &e.Problems); err != nil {
			return nil, r.errf(err, "read the ledger")
		}
		out = append(out, e)
	}
	return out, r.errf(rows.Err(), "read the ledger")
}

// RecordPeriod adds or replaces a period's entry in the ledger.
func (r *Register) RecordPeriod(ctx context.Context, e Entry) error {
	if e.Period == "" || e.Start == "" {
		return fmt.Errorf("register %s: a ledger entry needs a period and a start", r.path)
	}
	return r.errf(insertPeriod(ctx, r.db, e), "record period "+e.Period)
}
