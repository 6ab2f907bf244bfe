package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/rrdwrite"

	"github.com/billrun/billrun/rrdfetch"
	"github.com/rogpeppe/go-internal/diff"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const fx = "testdata/fixtures/"

func fixture(name string) Source { return Source{Name: name, File: fx + name + "/file.rrd"} }

func oct2026(t *testing.T, zone string) period.Period {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return period.Month(2026, time.October, loc)
}

// golden compares got with ../testdata/golden/<name>, or rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n%s", path, diff.Diff(path, want, "got", got))
	}
}

// marshal is v as billrun ships it (export.JSON): indented, with &, < and
// > as they are.
func marshal(t *testing.T, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func billingMetrics() []Metric {
	ms := DefaultMetrics()
	for i := range ms {
		if ms[i].Name == "in" || ms[i].Name == "out" {
			ms[i].MaxRate = 1.25e9 // 10 Gbit/s: anything above is a counter reset
		}
	}
	return ms
}

func TestGoldenUsage(t *testing.T) {
	srcs := []Source{fixture("vps-full"), fixture("vps-young"), fixture("vps-parts"), {Name: "gone", File: fx + "missing/file.rrd"}}
	rep, err := Usage(context.Background(), srcs, oct2026(t, "UTC"), billingMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "usage/oct2026-utc.golden", marshal(t, rep))
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "missing/file.rrd") {
		t.Errorf("missing file not reported by name: %+v", rep.Errors)
	}
}

func TestGoldenSLA(t *testing.T) {
	rep, err := SLA(context.Background(), []Source{fixture("host-a"), fixture("host-b")}, oct2026(t, "Europe/Berlin"), DefaultThreshold, Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sla/oct2026-berlin.golden", marshal(t, rep))
}

func needPythonRRDtool(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import rrdtool").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-rrdtool is required in CI")
		}
		t.Skip("python3-rrdtool not installed")
	}
}

func relClose(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// TestOracle compares the figures with testdata/oracle.py, which computes
// them from python3-rrdtool's fetch, for aligned and unaligned periods and
// files with gaps.
func TestOracle(t *testing.T) {
	needPythonRRDtool(t)
	ts := func(s string) time.Time { x, _ := time.Parse(time.RFC3339, s); return x }
	cases := []struct {
		file       string
		start, end time.Time
	}{
		{"vps-full", ts("2026-10-01T00:00:00Z"), ts("2026-11-01T00:00:00Z")},
		{"vps-full", ts("2026-10-03T05:17:00Z"), ts("2026-10-19T22:03:31Z")},
		{"vps-full", ts("2026-10-10T01:00:00+02:00"), ts("2026-10-10T11:00:00+02:00")}, // inside the gap's day
		{"vps-young", ts("2026-10-01T00:00:00Z"), ts("2026-11-01T00:00:00Z")},
		{"vps-full", ts("2026-10-20T16:00:00Z"), ts("2026-10-20T17:00:07Z")}, // the counter reset
	}
	for _, c := range cases {
		p, _ := period.Custom(c.start, c.end)
		u, err := FileUsage(fixture(c.file), p, unlimited(DefaultMetrics()), Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("/usr/bin/python3", "testdata/oracle.py", fx+c.file+"/file.rrd",
			fmt.Sprint(c.start.Unix()), fmt.Sprint(c.end.Unix())).Output()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		var want map[string]struct{ Total, Coverage float64 }
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		for _, m := range u.Metrics {
			w := want[m.Name]
			if !relClose(float64(m.Total), w.Total, 1e-9) || !relClose(float64(m.Coverage), w.Coverage, 1e-9) {
				t.Errorf("%s %s–%s %s: billrun total %v coverage %v; oracle %v %v", c.file, c.start, c.end, m.Name, m.Total, m.Coverage, w.Total, w.Coverage)
			}
		}
	}
}

// TestFleetUptimeGraph: the fleet figure equals what the seed's uptime()
// asks rrdtool graph for (CDEF average of the hosts, VDEF AVERAGE).
func TestFleetUptimeGraph(t *testing.T) {
	if _, err := exec.LookPath("rrdtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI")
		}
		t.Skip("rrdtool not installed")
	}
	p := oct2026(t, "UTC")
	hosts := []Source{fixture("host-a"), fixture("host-b")}
	rep, err := SLA(context.Background(), hosts, p, DefaultThreshold, Options{})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"graph", "/dev/null", "--start", fmt.Sprint(p.Start.Unix()), "--end", fmt.Sprint(p.End.Unix()), "--width=500"}
	rpn := []string{"s0"}
	for i, h := range hosts {
		args = append(args, fmt.Sprintf("DEF:s%d=%s:admin_uptime:AVERAGE", i, h.File))
		if i > 0 {
			rpn = append(rpn, fmt.Sprintf("s%d", i), "+")
		}
	}
	rpn = append(rpn, fmt.Sprint(len(hosts)), "/")
	args = append(args, "CDEF:avg="+strings.Join(rpn, ","), "VDEF:tot_avg=avg,AVERAGE", "PRINT:tot_avg:%9.6lf")
	out, err := exec.Command("rrdtool", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	m := regexp.MustCompile(`(?m)^\s*([0-9.]+)\s*$`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no figure in rrdtool graph output %q", out)
	}
	want, _ := strconv.ParseFloat(m[1], 64)
	if got := float64(rep.Fleet.UptimePct); math.Abs(got-want) > 0.001 {
		t.Errorf("fleet uptime %.6f, rrdtool graph VDEF %.6f", got, want)
	}
}

// Days of a month add up to the month: no row is counted twice or lost at
// a period boundary.
func TestDaysSumToMonth(t *testing.T) {
	for _, zone := range []string{"UTC", "Europe/Berlin", "America/New_York"} {
		month := oct2026(t, zone)
		mu, err := FileUsage(fixture("vps-full"), month, DefaultMetrics(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		sums := map[string]float64{}
		covs := map[string]float64{}
		for d := period.Day(2026, time.October, 1, month.Start.Location()); d.Start.Before(month.End); d = period.Day(d.Start.Year(), d.Start.Month(), d.Start.Day()+1, d.Start.Location()) {
			du, err := FileUsage(fixture("vps-full"), d, DefaultMetrics(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range du.Metrics {
				sums[m.Name] += float64(m.Total)
				covs[m.Name] += float64(m.Coverage) * float64(d.End.Unix()-d.Start.Unix())
			}
		}
		for _, m := range mu.Metrics {
			if !relClose(sums[m.Name], float64(m.Total), 1e-9) {
				t.Errorf("%s %s: days sum to %v, month is %v", zone, m.Name, sums[m.Name], m.Total)
			}
			if !relClose(covs[m.Name]/float64(month.End.Unix()-month.Start.Unix()), float64(m.Coverage), 1e-12) {
				t.Errorf("%s %s: day coverage does not add up", zone, m.Name)
			}
		}
	}
}

// A row straddling the period's start counts by the share inside it.
func TestProration(t *testing.T) {
	f, err := rrdfetch.Open(fx + "vps-full/file.rrd")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const t0 = 1791849600 // 2026-10-13T00:00:00Z, a row boundary (step 600)
	d, err := f.ReadRRA(0, t0, t0+1200)
	if err != nil {
		t.Fatal(err)
	}
	in := 2 // vs_in
	r1, r2 := d.Row(0)[in], d.Row(1)[in]
	p, _ := period.Custom(time.Unix(t0+100, 0), time.Unix(t0+700, 0))
	u, err := FileUsage(fixture("vps-full"), p, DefaultMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := u.Metrics.Get("in")
	want := r1*500 + r2*100
	if !relClose(float64(got.Total), want, 1e-12) || float64(got.Coverage) != 1 {
		t.Errorf("prorated in: %v (coverage %v), want %v", got.Total, got.Coverage, want)
	}
}

// unlimited is ms with no limit on any rate: the sums exactly as the seed
// makes them, counter resets included.
func unlimited(ms []Metric) []Metric {
	ms = slices.Clone(ms)
	for i := range ms {
		ms[i].MaxRate = math.MaxFloat64
	}
	return ms
}

// The counter reset is excluded and counted by default (CounterLimits for
// bytes) as by max_rate, and billed only with no limit at all; the 6-hour
// gap lowers coverage by exactly its length.
func TestSpikesAndGapCoverage(t *testing.T) {
	p := oct2026(t, "UTC")
	plain, err := FileUsage(fixture("vps-full"), p, DefaultMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	billed, err := FileUsage(fixture("vps-full"), p, billingMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := FileUsage(fixture("vps-full"), p, unlimited(DefaultMetrics()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	pin, _ := plain.Metrics.Get("in")
	bin, _ := billed.Metrics.Get("in")
	rin, _ := raw.Metrics.Get("in")
	if bin.Spikes != 1 || pin.Spikes != 1 || rin.Spikes != 0 {
		t.Errorf("spikes: %d with max_rate, %d by default, %d with no limit; want 1, 1 and 0", bin.Spikes, pin.Spikes, rin.Spikes)
	}
	if float64(rin.Total) < 1e19 || float64(bin.Total) > 1e13 || pin.Total != bin.Total {
		t.Errorf("in totals %v (no limit), %v (max_rate), %v (default) do not show the reset excluded", rin.Total, bin.Total, pin.Total)
	}
	if float64(pin.Coverage) >= float64(rin.Coverage) {
		t.Errorf("the spike row should lower in's coverage: %v vs %v", pin.Coverage, rin.Coverage)
	}
	vm, _ := plain.Metrics.Get("vm")
	span := float64(p.End.Unix() - p.Start.Unix())
	// 36 rows were never updated, and rrdtool also leaves the row after
	// them unknown (its interval is longer than the heartbeat).
	if want := 1 - 22200/span; !relClose(float64(vm.Coverage), want, 1e-15) {
		t.Errorf("vm coverage %v, want %v (a 6-hour gap)", vm.Coverage, want)
	}
}

// When no RRA covers the period, each part comes from the finest RRA that
// has it, and what none has lowers coverage.
func TestPartsFromSeveralRRAs(t *testing.T) {
	p := oct2026(t, "UTC")
	parts, err := FileUsage(fixture("vps-parts"), p, DefaultMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := parts.RRA
	if len(r) != 3 || r[0].PDPPerRow != 36 || r[1].PDPPerRow != 6 || r[2].PDPPerRow != 1 ||
		r[0].To != r[1].From || r[1].To != r[2].From || r[0].From <= p.Start.Unix() || r[2].To != p.End.Unix() {
		t.Fatalf("parts %+v", r)
	}
	disk, _ := parts.Metrics.Get("disk")
	if want := float64(p.End.Unix()-r[0].From) / float64(p.End.Unix()-p.Start.Unix()); float64(disk.Coverage) > want || float64(disk.Coverage) < want-0.01 {
		t.Errorf("coverage %v, want just under %v (the gap, and nothing before the first part)", disk.Coverage, want)
	}
	// The same window from the file whose finest RRA has it all: coarse
	// RRAs (xff 0.5) fill a partly unknown row with the mean of its known
	// PDPs, so they may cover a little more; the mean level agrees.
	w, _ := period.Custom(time.Unix(r[0].From, 0), p.End)
	full, _ := FileUsage(fixture("vps-full"), w, DefaultMetrics(), Options{})
	if len(full.RRA) != 1 {
		t.Fatalf("vps-full needs one RRA, got %+v", full.RRA)
	}
	a, _ := full.Metrics.Get("disk")
	span := float64(w.End.Unix() - w.Start.Unix())
	ma := float64(a.Total) / (float64(a.Coverage) * span)
	mb := float64(disk.Total) / (float64(disk.Coverage) * float64(p.End.Unix()-p.Start.Unix()))
	if !relClose(ma, mb, 1e-5) {
		t.Errorf("disk per covered second from three RRAs %v vs one %v", mb, ma)
	}
}

func TestHostFigures(t *testing.T) {
	p := oct2026(t, "UTC")
	h, err := HostUptime(fixture("host-a"), p, DefaultThreshold, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantDown := 0.025*180 + 0.0005*60
	if !relClose(float64(h.DowntimeMinutes), wantDown, 1e-9) {
		t.Errorf("downtime %v min, want %v", h.DowntimeMinutes, wantDown)
	}
	if want := 100 - wantDown/(31*1440)*100; !relClose(float64(h.UptimePct), want, 1e-12) {
		t.Errorf("uptime %v, want %v", h.UptimePct, want)
	}
	if len(h.Degraded) != 2 || h.Degraded[0].Start != "2026-10-07T02:00:00Z" || h.Degraded[0].End != "2026-10-07T05:00:00Z" ||
		float64(h.Degraded[0].MinPct) != 97.5 || h.Degraded[1].Start != "2026-10-21T12:00:00Z" || float64(h.Degraded[1].MinPct) != 99.95 {
		t.Errorf("degraded %+v", h.Degraded)
	}
	if !h.Daily[6].Degraded || h.Daily[5].Degraded || len(h.Daily) != 31 {
		t.Errorf("daily flags wrong: %+v", h.Daily[4:8])
	}
	// the 7-day MA on 10-07 averages 10-01..10-07
	var s float64
	for _, d := range h.Daily[:7] {
		s += float64(d.UptimePct)
	}
	if !relClose(float64(h.Daily[6].MA7), s/7, 1e-12) {
		t.Errorf("MA7 %v, want %v", h.Daily[6].MA7, s/7)
	}
	b, _ := HostUptime(fixture("host-b"), p, DefaultThreshold, Options{})
	if want := 1 - (86400.0+300)/(31*86400); !relClose(float64(b.Coverage), want, 1e-12) { // the day, and the row after it
		t.Errorf("host-b coverage %v, want %v", b.Coverage, want)
	}
}

// percentile95 agrees with sorting and taking rank ceil(0.95 n).
func TestPercentile95(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(name string, xs []float64) {
		t.Helper()
		s := append([]float64(nil), xs...)
		sort.Float64s(s)
		want := s[int(math.Ceil(0.95*float64(len(xs))))-1]
		ks := make([]int64, len(xs))
		for i, x := range xs {
			ks[i] = key(x)
		}
		if got := percentile95(ks); got != want {
			t.Fatalf("%s, n=%d: %v, want %v", name, len(xs), got, want)
		}
	}
	for n := 1; n < 300; n++ { // small, many ties
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(r.IntN(50)) // many ties
		}
		check("ties", xs)
	}
	// large, with rhythms a selection could trip on
	for _, n := range []int{1024, 2047, 2048, 2049, 4464, 44640} {
		for _, gen := range []struct {
			name string
			f    func(i int) float64
		}{
			{"uniform", func(int) float64 { return r.Float64() }},
			{"ties", func(int) float64 { return float64(r.IntN(3)) }},
			{"mostly zero", func(int) float64 { return float64(r.IntN(100)/97) * r.Float64() }},
			{"ascending", func(i int) float64 { return float64(i) }},
			{"descending", func(i int) float64 { return float64(-i) }},
			{"rare peaks", func(i int) float64 { // every 17th value far above the rest
				if i%17 == 0 {
					return 1e9 + float64(i)
				}
				return float64(i % 1000)
			}},
			{"daily rhythm", func(i int) float64 { return math.Sin(float64(i%144)/144*2*math.Pi) + float64(i)*1e-9 }},
		} {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = gen.f(i)
			}
			check(gen.name, xs)
		}
	}
	if !math.IsNaN(percentile95(nil)) {
		t.Error("no samples must be NaN")
	}
}

// A source active for part of the period is billed for that part only.
func TestActiveWindow(t *testing.T) {
	p := oct2026(t, "UTC")
	from := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	s := fixture("vps-full")
	s.From = from.Unix()
	got, err := FileUsage(s, p, DefaultMetrics(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := period.Custom(from, p.End)
	want, _ := FileUsage(fixture("vps-full"), w, DefaultMetrics(), Options{})
	for i := range want.Metrics {
		if got.Metrics[i] != want.Metrics[i] {
			t.Errorf("%s: %+v, want %+v", want.Metrics[i].Name, got.Metrics[i], want.Metrics[i])
		}
	}
	s.From, s.Until = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Unix(), 0
	if _, err := FileUsage(s, p, DefaultMetrics(), Options{}); err == nil || !strings.Contains(err.Error(), "not active") {
		t.Errorf("a VPS active only later: %v", err)
	}
}

// Progress is told about every file, read or not.
func TestProgressCalledPerFile(t *testing.T) {
	var n atomic.Int64
	srcs := []Source{fixture("vps-full"), fixture("vps-young"), {Name: "x", File: "missing.rrd"}}
	if _, err := Usage(context.Background(), srcs, oct2026(t, "UTC"), DefaultMetrics(), Options{Progress: func() { n.Add(1) }}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Errorf("progress called %d times for 3 files", n.Load())
	}
}

// UsageEach emits in the sources' order whatever the workers' timing,
// lists the unreadable files in order, stops at the first emit or encode
// error, and stops when the context is cancelled.
func TestUsageEachOrderAndStops(t *testing.T) {
	var srcs []Source
	for i := range 500 {
		s := fixture([]string{"vps-full", "vps-young", "vps-parts"}[i%3])
		s.Name = fmt.Sprint(i)
		if i%7 == 3 {
			s.File = fmt.Sprintf("missing-%d.rrd", i)
		}
		srcs = append(srcs, s)
	}
	list := srcs
	p := oct2026(t, "UTC")
	// Each worker reuses one VPSUsage from file to file (of three shapes,
	// with failures between): what encode sees is still what FileUsage
	// gives for the file alone.
	figures := func(u *VPSUsage) (string, error) {
		b, err := json.Marshal(u)
		return string(b), err
	}
	var got []string
	failed, err := UsageEach(context.Background(), list, p, DefaultMetrics(), Options{Workers: 3}, figures, func(n string) error {
		got = append(got, n)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want, wantFailed []string
	for i, s := range srcs {
		if i%7 == 3 {
			wantFailed = append(wantFailed, s.File)
		} else {
			u, err := FileUsage(s, p, DefaultMetrics(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			f, _ := figures(u)
			want = append(want, f)
		}
	}
	var gotFailed []string
	for _, f := range failed {
		gotFailed = append(gotFailed, f.File)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotFailed) != fmt.Sprint(wantFailed) {
		t.Fatalf("emitted %v\nfailed %v", got, gotFailed)
	}

	boom := fmt.Errorf("disk full")
	n := 0
	_, err = UsageEach(context.Background(), list, p, DefaultMetrics(), Options{Workers: 3}, figures, func(string) error {
		if n++; n == 10 {
			return boom
		}
		return nil
	})
	if err != boom || n != 10 {
		t.Errorf("emit error: %v after %d emits", err, n)
	}
	_, err = UsageEach(context.Background(), list, p, DefaultMetrics(), Options{Workers: 3}, func(u *VPSUsage) (string, error) {
		if u.Name == "20" {
			return "", boom
		}
		return u.Name, nil
	}, func(string) error { return nil })
	if err != boom {
		t.Errorf("encode error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err = UsageEach(ctx, list, p, DefaultMetrics(), Options{Workers: 3}, figures, func(string) error {
		if n++; n == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A month with a DST change at midnight has a day per local date, each
// labelled by it (São Paulo's 2018-11-04 is the 23-hour day; this loop
// never ended before), and a date the zone skipped has none.
func TestDayStartsAtMidnightTransitions(t *testing.T) {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	days := dayStarts(period.Month(2018, time.November, sp))
	if len(days) != 30 || time.Unix(days[3], 0).In(sp).Format("2006-01-02 15:04") != "2018-11-04 01:00" || days[4]-days[3] != 23*3600 {
		t.Errorf("São Paulo November 2018: %d days, the 4th from %s", len(days), time.Unix(days[3], 0).In(sp))
	}
	apia, _ := time.LoadLocation("Pacific/Apia")
	days = dayStarts(period.Month(2011, time.December, apia))
	var labels []string
	for _, d := range days {
		labels = append(labels, time.Unix(d, 0).In(apia).Format("02"))
	}
	if len(days) != 30 || slices.Contains(labels, "30") || days[28]-days[27] != 24*3600 {
		t.Errorf("Apia December 2011: %v", labels)
	}
}

// A host whose monitoring was down with it: two hours without data in a
// day. Left out (as rrdtool's AVERAGE leaves unknowns), the day is 100 %;
// counted as down, the day and the period lose those two hours, the
// minutes are downtime and a 0 % degraded run, and either way the gap's
// minutes are reported.
func TestUptimeGaps(t *testing.T) {
	day := period.Day(2026, time.October, 14, time.UTC)
	path := filepath.Join(t.TempDir(), "up.rrd")
	spec := rrdwrite.Spec{Step: 60, DS: []rrdwrite.DS{{Name: UptimeDS, Type: "GAUGE", Heartbeat: 120, Min: 0, Max: 100}},
		RRA: []rrdwrite.RRA{{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 2000}}}
	gapFrom, gapTo := day.Start.Unix()+10*3600, day.Start.Unix()+12*3600
	err := rrdwrite.WriteFile(path, spec, day.Start.Unix()-3600, day.End.Unix()+3600, func(ts int64, v []float64) {
		v[0] = 100
		if ts > gapFrom && ts <= gapTo {
			v[0] = math.NaN()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	src := Source{Name: "h", File: path}
	ignored, err := HostUptime(src, day, DefaultThreshold, Options{})
	if err != nil {
		t.Fatal(err)
	}
	down, err := HostUptime(src, day, DefaultThreshold, Options{Gaps: GapsDown})
	if err != nil {
		t.Fatal(err)
	}
	if ignored.UptimePct != 100 || ignored.DowntimeMinutes != 0 || ignored.GapMinutes != 120 || len(ignored.Degraded) != 0 {
		t.Errorf("gaps left out: %+v", *ignored)
	}
	want := 100 * 22.0 / 24
	if math.Abs(float64(down.UptimePct)-want) > 1e-9 || down.DowntimeMinutes != 120 || down.GapMinutes != 120 || !down.GapsDown {
		t.Errorf("gaps as downtime: uptime %v (want %v), downtime %v, gap %v", down.UptimePct, want, down.DowntimeMinutes, down.GapMinutes)
	}
	if len(down.Degraded) != 1 || down.Degraded[0].MinPct != 0 || down.Degraded[0].from != gapFrom || down.Degraded[0].to != gapTo {
		t.Errorf("the gap as a degraded run: %+v", down.Degraded)
	}
	if len(down.Daily) != 1 || math.Abs(float64(down.Daily[0].UptimePct)-want) > 1e-9 || ignored.Daily[0].UptimePct != 100 {
		t.Errorf("daily: %+v / %+v", down.Daily, ignored.Daily)
	}
	if ignored.Coverage != down.Coverage || math.Abs(float64(down.Coverage)-22.0/24) > 1e-12 {
		t.Errorf("coverage %v %v", ignored.Coverage, down.Coverage)
	}
}
