package invoice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// numberFile records every invoice number ever allocated, in the state
// directory.
const numberFile = "invoice-numbers.json"

type numberState struct {
	Next   int                          `json:"next"`   // sequence of the next new invoice
	Issued map[string]map[string]string `json:"issued"` // period label -> customer id -> number
}

// Numbers gives each invoice its number: the one recorded for its
// (period, customer) if there is one (a rerun of the period), else the next
// in the sequence, allocated in customer-id order and recorded before it
// returns. year is the year of the issue date; the sequence itself never
// restarts, so numbers have no gaps.
func Numbers(stateDir, periodLabel, prefix string, invoices []Invoice) error {
	path := filepath.Join(stateDir, numberFile)
	st := numberState{Next: 1, Issued: map[string]map[string]string{}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(b, &st); err != nil || st.Next < 1 {
			return fmt.Errorf("%s: corrupt invoice number state: %v", path, err)
		}
		if st.Issued == nil {
			st.Issued = map[string]map[string]string{}
		}
	}
	if st.Issued[periodLabel] == nil {
		st.Issued[periodLabel] = map[string]string{}
	}
	order := make([]int, len(invoices))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return invoices[order[a]].CustomerID < invoices[order[b]].CustomerID })
	changed := false
	for _, i := range order {
		inv := &invoices[i]
		if n, ok := st.Issued[periodLabel][inv.CustomerID]; ok {
			inv.Number = n
			continue
		}
		inv.Number = fmt.Sprintf("%s%s-%05d", prefix, inv.IssueDate[:4], st.Next)
		st.Issued[periodLabel][inv.CustomerID] = inv.Number
		st.Next++
		changed = true
	}
	if !changed {
		return nil
	}
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	return writeFileAtomic(path, append(out, '\n'))
}

// writeFileAtomic writes a temporary file in the same directory, syncs it
// and renames it over path, then syncs the directory: readers see the old
// or the new content, never a part.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
