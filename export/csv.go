package export

import (
	"encoding/csv"
	"encoding/json"
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

// JSON writes v indented, with a final newline, and without escaping &, <
// and > (names like "Müller & Söhne GmbH" stay readable).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// UsageCSV writes one row per VPS: name, file, step, then per metric
// <name>_total_<unit>, <name>_coverage, <name>_spikes, then the p95 figures.
func UsageCSV(w io.Writer, rep *report.UsageReport, metrics []report.Metric) error {
	cw := csv.NewWriter(w)
	head := []string{"name", "file", "step"}
	for _, m := range metrics {
		head = append(head, m.Name+"_total_"+m.Unit, m.Name+"_coverage", m.Name+"_spikes")
	}
	head = append(head, "p95_in_bps", "p95_out_bps", "p95_max_bps")
	cw.Write(head)
	for _, v := range rep.VPS {
		rec := []string{SafeCell(v.Name), SafeCell(v.File), strconv.FormatInt(v.Step, 10)}
		for _, m := range v.Metrics {
			rec = append(rec, m.Total.String(), m.Coverage.String(), strconv.Itoa(m.Spikes))
		}
		if v.P95 != nil {
			rec = append(rec, v.P95.In.String(), v.P95.Out.String(), v.P95.Max.String())
		} else {
			rec = append(rec, "", "", "")
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// SLACSV writes one row per host and a last row for the fleet.
func SLACSV(w io.Writer, rep *report.SLAReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "file", "uptime_pct", "downtime_minutes", "coverage", "degraded_intervals"})
	for _, h := range rep.Hosts {
		var deg []string
		for _, d := range h.Degraded {
			deg = append(deg, fmt.Sprintf("%s/%s min %s", d.Start, d.End, d.MinPct))
		}
		cw.Write([]string{SafeCell(h.Name), SafeCell(h.File), h.UptimePct.String(), h.DowntimeMinutes.String(), h.Coverage.String(), strings.Join(deg, "; ")})
	}
	cw.Write([]string{"fleet", "", rep.Fleet.UptimePct.String(), "", "", ""})
	cw.Flush()
	return cw.Error()
}
