package job

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
)

// IssuedWorkbookName is the workbook of a period's issued documents,
// beside them in issued/<period>/.
func IssuedWorkbookName(label string) string { return "billing-" + label + ".xlsx" }

// issuedWorkbook is the workbook of period label's issued documents docs
// (in number order): their Summary, totals issued, and Lines. Its bytes
// depend only on the documents, so verify can make it again.
func issuedWorkbook(label string, loc *time.Location, docs []state.Document) ([]byte, error) {
	p, err := period.Parse(label, loc)
	if err != nil {
		return nil, fmt.Errorf("issued period %s: %w", label, err)
	}
	invs := make([]pricing.Invoice, len(docs))
	for i, d := range docs {
		m, err := recordedModel(d)
		if err != nil {
			return nil, err
		}
		invs[i] = m.Invoice
	}
	var b bytes.Buffer
	err = export.XLSX(&b, &export.Workbook{Period: p, Issued: invs})
	return b.Bytes(), err
}

// writeIssuedWorkbook writes dir's workbook of period label's issued
// documents docs, read-only like them, and returns its name and digest
// for the manifest. It is rewritten (atomically) as documents are added.
func writeIssuedWorkbook(dir, label string, loc *time.Location, docs []state.Document) (Output, error) {
	b, err := issuedWorkbook(label, loc, docs)
	if err != nil {
		return Output{}, err
	}
	name := IssuedWorkbookName(label)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Output{}, err
	}
	if err := atomicfile.WriteFileMode(filepath.Join(dir, name), b, 0o444); err != nil {
		return Output{}, err
	}
	return workbookOutput(label, b), nil
}

func workbookOutput(label string, b []byte) Output {
	sum := sha256.Sum256(b)
	return Output{Name: IssuedWorkbookName(label), SHA256: hex.EncodeToString(sum[:])}
}
