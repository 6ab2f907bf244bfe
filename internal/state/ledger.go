package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/billrun/billrun/internal/atomicfile"
)

// LedgerFile is the ledger's name in the state directory.
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

// Ledger lists the billed periods, by start.
type Ledger struct {
	path    string
	Entries []Entry `json:"periods"`
}

// LoadLedger reads stateDir's ledger (empty when there is none yet).
func LoadLedger(stateDir string) (*Ledger, error) {
	l := &Ledger{path: filepath.Join(stateDir, LedgerFile)}
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, l); err != nil {
		return nil, fmt.Errorf("%s: corrupt ledger: %w", l.path, err)
	}
	for i, e := range l.Entries {
		if e.Period == "" || e.Start == "" {
			return nil, fmt.Errorf("%s: entry %d has no period or start", l.path, i)
		}
	}
	return l, nil
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

// Record adds or replaces a period's entry and writes the ledger
// atomically.
func (l *Ledger) Record(e Entry) error {
	replaced := false
	for i := range l.Entries {
		if l.Entries[i].Period == e.Period {
			l.Entries[i], replaced = e, true
		}
	}
	if !replaced {
		l.Entries = append(l.Entries, e)
	}
	sort.SliceStable(l.Entries, func(a, b int) bool { return l.Entries[a].Start < l.Entries[b].Start })
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(l.path, append(b, '\n'))
}
