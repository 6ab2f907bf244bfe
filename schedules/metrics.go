package schedules

import (
	"bytes"
	"fmt"
	"sort"
	"time"

	"github.com/billrun/billrun/internal/atomicfile"
)

// Metrics writes Prometheus textfile-collector metrics (node_exporter's
// --collector.textfile.directory) atomically after every run.
type Metrics struct {
	Path string

	lastSuccess map[string]time.Time
	duration    map[string]time.Duration
	files       int
	errors      int
}

// NewMetrics writes to path ("" disables).
func NewMetrics(path string) *Metrics {
	if path == "" {
		return nil
	}
	return &Metrics{Path: path, lastSuccess: map[string]time.Time{}, duration: map[string]time.Duration{}}
}

// Observe records a run and rewrites the file.
func (m *Metrics) Observe(period string, at time.Time, d time.Duration, out Outcome, err error) error {
	m.duration[period] = d
	m.files += out.FilesRead
	if err != nil {
		m.errors++
	} else {
		m.lastSuccess[period] = at
	}
	return atomicfile.WriteFile(m.Path, m.render())
}

func (m *Metrics) render() []byte {
	var b bytes.Buffer
	periods := make([]string, 0, len(m.duration))
	for p := range m.duration {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	b.WriteString("# HELP billrun_last_success_timestamp_seconds When the period was last billed successfully.\n# TYPE billrun_last_success_timestamp_seconds gauge\n")
	for _, p := range periods {
		if t, ok := m.lastSuccess[p]; ok {
			fmt.Fprintf(&b, "billrun_last_success_timestamp_seconds{period=%q} %d\n", p, t.Unix())
		}
	}
	b.WriteString("# HELP billrun_run_duration_seconds How long the period's last run took.\n# TYPE billrun_run_duration_seconds gauge\n")
	for _, p := range periods {
		fmt.Fprintf(&b, "billrun_run_duration_seconds{period=%q} %g\n", p, m.duration[p].Seconds())
	}
	fmt.Fprintf(&b, "# HELP billrun_files_read_total RRD files read by billing runs.\n# TYPE billrun_files_read_total counter\nbillrun_files_read_total %d\n", m.files)
	fmt.Fprintf(&b, "# HELP billrun_errors_total Billing runs that failed.\n# TYPE billrun_errors_total counter\nbillrun_errors_total %d\n", m.errors)
	return b.Bytes()
}
