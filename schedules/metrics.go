package schedules

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/state"
)

// Metrics writes Prometheus textfile-collector metrics (node_exporter's
// --collector.textfile.directory) atomically after every run. The file is
// rebuilt from the ledger each time, so what it says of the last success
// survives any number of failing processes after it, and no gauge carries
// a label that would start a new series every month.
type Metrics struct {
	Path string
}

// NewMetrics writes to path ("" disables).
func NewMetrics(path string) *Metrics {
	if path == "" {
		return nil
	}
	return &Metrics{Path: path}
}

// Write rebuilds the file from stateDir's ledger; lastErr is the outcome
// of the attempt just made (nil: it succeeded).
func (m *Metrics) Write(stateDir string, lastErr error) error {
	l, err := state.LoadLedger(stateDir)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(m.Path, render(l, lastErr))
}

// render is the metrics of ledger l. The last run is the entry completed
// last; the last billed period the one that ends last.
func render(l *state.Ledger, lastErr error) []byte {
	var b bytes.Buffer
	gauge := func(name, help string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, strconv.FormatFloat(v, 'f', -1, 64))
	}
	var last, latest state.Entry
	for _, e := range l.Entries {
		if e.CompletedAt > last.CompletedAt { // RFC 3339 in UTC sorts as time
			last = e
		}
		if e.End > latest.End || latest.End == "" {
			latest = e
		}
	}
	failed := 0.0
	if lastErr != nil {
		failed = 1
	}
	gauge("billrun_last_attempt_failed", "1 when the last billing attempt of this process failed, else 0.", failed)
	gauge("billrun_billed_periods", "Periods recorded in the ledger.", float64(len(l.Entries)))
	gauge("billrun_drafts_held", "Invoices drafted and held for review: billrun issue --accept issues them.", float64(l.Held))
	gauge("billrun_documents_unsent", "Issued documents never e-mailed: billrun send sends them.", float64(l.Deliveries.Unsent))
	gauge("billrun_deliveries_uncertain", "Issued documents whose e-mail a stopped send may not have delivered: billrun send --resend-uncertain.", float64(l.Deliveries.Uncertain))
	gauge("billrun_deliveries_retry", "Issued documents whose e-mail was refused for now and is retried.", float64(l.Deliveries.Retry))
	gauge("billrun_deliveries_failed", "Issued documents whose e-mail was refused for good: billrun deliveries --status failed.", float64(l.Deliveries.Failed))
	if len(l.Entries) == 0 {
		return b.Bytes()
	}
	unix := func(s string) float64 {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0
		}
		return float64(t.Unix())
	}
	gauge("billrun_last_success_timestamp_seconds", "When the last successful billing run completed.", unix(last.CompletedAt))
	gauge("billrun_last_billed_period_end_timestamp_seconds", "The end of the latest billed period.", unix(latest.End))
	gauge("billrun_last_run_duration_seconds", "How long the last successful run took.", last.DurationSeconds)
	gauge("billrun_last_run_files_read", "RRD files the last successful run read.", float64(last.FilesRead))
	gauge("billrun_last_run_invoices", "Invoices the last successful run wrote.", float64(last.Invoices))
	gauge("billrun_last_run_problems", "Problems the last successful run reported.", float64(last.Problems))
	return b.Bytes()
}
