package state

import (
	"context"
	"os"
	"path/filepath"
)

// LedgerFile is where billrun kept its ledger before the register, which
// imports it on first start.
const LedgerFile = "ledger.json"

// Entry is one billed period.
type Entry struct {
	Period          string  `json:"period"`
	Start           string  `json:"start"`
	End             string  `json:"end"`
	CompletedAt     string  `json:"completed_at"`
	ManifestDigest  string  `json:"manifest_digest"`
	DurationSeconds float64 `json:"duration_seconds"`
	FilesRead       int     `json:"files_read"`
	Invoices        int     `json:"invoices"`
	Problems        int     `json:"problems"`
}

// Ledger lists the billed periods, by start, as the register holds them.
type Ledger struct {
	dir     string
	Entries []Entry
	// Held counts the invoices drafted and held for review, waiting for a
	// person (billrun issue --accept).
	Held int
	// Deliveries counts the issued documents by how their e-mail stands.
	Deliveries DeliveryCounts
}

// LoadLedger reads stateDir's ledger from its register (empty when there
// is none yet: reading never creates one, which would then pass for the
// register of documents issued before).
func LoadLedger(stateDir string) (*Ledger, error) {
	ctx := context.Background()
	if !exists(filepath.Join(stateDir, RegisterFile)) && !exists(filepath.Join(stateDir, LedgerFile)) && !exists(filepath.Join(stateDir, legacyNumberFile)) {
		return &Ledger{dir: stateDir}, nil
	}
	r, err := Open(ctx, stateDir)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	es, err := r.Periods(ctx)
	if err != nil {
		return nil, err
	}
	held, err := r.HeldDrafts(ctx)
	if err != nil {
		return nil, err
	}
	dc, err := r.DeliveryCounts(ctx)
	if err != nil {
		return nil, err
	}
	return &Ledger{dir: stateDir, Entries: es, Held: held, Deliveries: dc}, nil
}

// exists reports whether path is a file with something in it.
func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

// Has reports whether the period is in the ledger.
func (l *Ledger) Has(period string) bool {
	for _, e := range l.Entries {
		if e.Period == period {
			return true
		}
	}
	return false
}

// Last is the latest billed period.
func (l *Ledger) Last() (Entry, bool) {
	if len(l.Entries) == 0 {
		return Entry{}, false
	}
	return l.Entries[len(l.Entries)-1], true
}

// Record adds or replaces a period's entry, in the register.
func (l *Ledger) Record(e Entry) error {
	ctx := context.Background()
	r, err := Open(ctx, l.dir)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.RecordPeriod(ctx, e); err != nil {
		return err
	}
	es, err := r.Periods(ctx)
	if err != nil {
		return err
	}
	l.Entries = es
	return nil
}
