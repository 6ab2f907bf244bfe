package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/billrun/billrun/report"
)

// SafeCell keeps spreadsheets from evaluating a text cell as a formula.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UsageCSV writes one row per VPS: name, file, step, then per metric
// <name>_total_<unit>, <name>_coverage, <name>_spikes, then the p95 figures.
func UsageCSV(w io.Writer, rep *report.UsageReport, metrics []report.Metric) error {
	uw := NewUsageCSVWriter(w, metrics)
	for i := range rep.VPS {
		if err := uw.Write(&rep.VPS[i]); err != nil {
			return err
		}
	}
	return uw.Flush()
}

// UsageCSVWriter writes UsageCSV's rows one VPS at a time, for a report
// that is never held whole (report.UsageEach).
type UsageCSVWriter struct{ cw *csv.Writer }

// NewUsageCSVWriter writes the header row.
func NewUsageCSVWriter(w io.Writer, metrics []report.Metric) *UsageCSVWriter {
	cw := csv.NewWriter(w)
	head := []string{"name", "file", "step"}
	for _, m := range metrics {
		head = append(head, m.Name+"_total_"+m.Unit, m.Name+"_coverage", m.Name+"_spikes")
	}
	head = append(head, "p95_in_bps", "p95_out_bps", "p95_max_bps")
	for i := range head {
		head[i] = SafeCell(head[i]) // a unit is free text in the config
	}
	cw.Write(head)
	return &UsageCSVWriter{cw}
}

// Write writes v's row.
func (u *UsageCSVWriter) Write(v *report.VPSUsage) error {
	rec, _ := u.Record(v)
	return u.WriteRecord(rec)
}

// WriteRecord writes a row made by Record.
func (u *UsageCSVWriter) WriteRecord(rec []string) error { return u.cw.Write(rec) }

// Record is v's row, for WriteRecord. It keeps no state:
// report.UsageEach calls it from its workers.
func (u *UsageCSVWriter) Record(v *report.VPSUsage) ([]string, error) {
	rec := []string{SafeCell(v.Name), SafeCell(v.File), strconv.FormatInt(v.Step, 10)}
	for _, m := range v.Metrics {
		rec = append(rec, m.Total.String(), m.Coverage.String(), strconv.Itoa(m.Spikes))
	}
	if v.P95 != nil {
		rec = append(rec, v.P95.In.String(), v.P95.Out.String(), v.P95.Max.String())
	} else {
		rec = append(rec, "", "", "")
	}
	return rec, nil
}

// Flush writes what is buffered and reports any write error.
func (u *UsageCSVWriter) Flush() error {
	u.cw.Flush()
	return u.cw.Error()
}

// SLACSV writes one row per host and a last row for the fleet.
func SLACSV(w io.Writer, rep *report.SLAReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "file", "uptime_pct", "downtime_minutes", "coverage", "degraded_intervals", "gap_minutes", "unmonitored_minutes"})
	for _, h := range rep.Hosts {
		var deg []string
		for _, d := range h.Degraded {
			deg = append(deg, fmt.Sprintf("%s/%s min %s", d.Start, d.End, d.MinPct))
		}
		cw.Write([]string{SafeCell(h.Name), SafeCell(h.File), h.UptimePct.String(), h.DowntimeMinutes.String(), h.Coverage.String(), strings.Join(deg, "; "), h.GapMinutes.String(), h.UnmonitoredMinutes.String()})
	}
	cw.Write([]string{"fleet", "", rep.Fleet.UptimePct.String(), "", "", "", "", ""})
	cw.Flush()
	return cw.Error()
}
