package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
)

// JSON writes v indented, with a final newline, and without escaping &, <
// and > (names like "Müller & Söhne GmbH" stay readable).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// UsageReportJSON writes rep as JSON does, a VPS at a time: encoded
// whole, a large fleet's month with daily series would be held twice over
// (the encoder's buffer and its copy), a billing run's peak of memory.
func UsageReportJSON(w io.Writer, rep *report.UsageReport) error {
	u := NewUsageJSONWriter(w, rep.Period)
	for i := range rep.VPS {
		b, err := u.Encode(&rep.VPS[i])
		if err != nil {
			return err
		}
		if err := u.WriteEncoded(b); err != nil {
			return err
		}
	}
	return u.Close(rep.Errors)
}

// InvoicesJSON writes invoices.json, {"invoices": [...], "problems":
// [...]}, as JSON does, an invoice at a time, so that the whole is never
// held twice over as it would be encoded at once.
func InvoicesJSON(w io.Writer, invs []pricing.Invoice, problems []pricing.Problem) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"invoices\": [")
	for i := range invs {
		b, err := indented("    ", &invs[i])
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(invs) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"problems\": ")
	b, err := indented("  ", problems)
	if err != nil {
		return err
	}
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// UsageJSONWriter writes the usage report's JSON one VPS at a time: the
// same bytes JSON writes for the whole report, for a report that is never
// held whole (report.UsageEach).
type UsageJSONWriter struct {
	w   *bufio.Writer
	n   int
	err error
}

// NewUsageJSONWriter writes the report's opening and its period.
func NewUsageJSONWriter(w io.Writer, period report.PeriodJSON) *UsageJSONWriter {
	u := &UsageJSONWriter{w: bufio.NewWriterSize(w, 64<<10)}
	u.w.WriteString("{\n  \"period\": ")
	u.value("  ", period)
	u.w.WriteString(",\n  \"vps\": [")
	return u
}

// value writes v indented as at nesting prefix, without a final newline.
func (u *UsageJSONWriter) value(prefix string, v any) {
	if u.err != nil {
		return
	}
	var b []byte
	if b, u.err = indented(prefix, v); u.err == nil {
		u.w.Write(b)
	}
}

// indented is v's JSON indented as at nesting prefix, without a final
// newline.
func indented(prefix string, v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Encode is v's entry in the "vps" list, for WriteEncoded. It keeps no
// state: report.UsageEach calls it from its workers, so that encoding is
// spread over the cores like the reading.
func (u *UsageJSONWriter) Encode(v *report.VPSUsage) ([]byte, error) {
	return indented("    ", v)
}

// WriteEncoded adds an entry made by Encode to the "vps" list.
func (u *UsageJSONWriter) WriteEncoded(b []byte) error {
	if u.err != nil {
		return u.err
	}
	if u.n > 0 {
		u.w.WriteByte(',')
	}
	u.n++
	u.w.WriteString("\n    ")
	_, u.err = u.w.Write(b)
	return u.err
}

// Close ends the list, writes the unreadable files and flushes.
func (u *UsageJSONWriter) Close(errs []report.FileError) error {
	if errs == nil {
		errs = []report.FileError{}
	}
	if u.n > 0 {
		u.w.WriteString("\n  ")
	}
	u.w.WriteString("],\n  \"errors\": ")
	u.value("  ", errs)
	u.w.WriteString("\n}\n")
	if u.err != nil {
		return u.err
	}
	return u.w.Flush()
}
