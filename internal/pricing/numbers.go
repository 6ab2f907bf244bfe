package pricing

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
	return atomicfile.WriteFile(path, append(out, '\n'))
}
