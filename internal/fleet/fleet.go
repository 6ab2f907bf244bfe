// Package fleet generates a realistic synthetic fleet of RRD files in the
// seed's schema, for `billrun demo` and the benchmarks: per VPS, traffic
// with a day/night shape and a per-VPS scale, CPU ticks, memory and a
// slowly growing disk; a few gaps; one counter reset read as a 2^64 wrap;
// and per host an uptime RRD with outages. The same options give
// byte-identical files.
package fleet

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/billrun/billrun/internal/rrdwrite"
	"golang.org/x/sync/errgroup"
)

// Step is the seed's RRD step.
const Step = 60

// VPSSpec is the seed's schema (OpenVPS vsmon): 7 DS, AVERAGE RRAs of
// 1×14400, 10×13392 and 43200×120 rows at step 60.
func VPSSpec() rrdwrite.Spec {
	u := math.NaN()
	return rrdwrite.Spec{Step: Step,
		DS: []rrdwrite.DS{
			{Name: "vs_uticks", Type: "COUNTER", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_sticks", Type: "COUNTER", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_in", Type: "COUNTER", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_out", Type: "COUNTER", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_vm", Type: "GAUGE", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_rss", Type: "GAUGE", Heartbeat: 120, Min: 0, Max: u},
			{Name: "vs_disk_b_used", Type: "GAUGE", Heartbeat: 120, Min: 0, Max: u},
		},
		RRA: seedRRAs(),
	}
}

func seedRRAs() []rrdwrite.RRA {
	return []rrdwrite.RRA{
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 14400},
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 10, Rows: 13392},
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 43200, Rows: 120},
	}
}

// HostSpec is a host uptime RRD: admin_uptime GAUGE 0–100, same RRAs.
func HostSpec() rrdwrite.Spec {
	return rrdwrite.Spec{Step: Step,
		DS:  []rrdwrite.DS{{Name: "admin_uptime", Type: "GAUGE", Heartbeat: 120, Min: 0, Max: 100}},
		RRA: seedRRAs(),
	}
}

// Options say what to generate.
type Options struct {
	Dir        string
	VPS, Hosts int
	Start, End time.Time // data range; rounded to the step
	Seed       uint64
}

// VPSFile is one generated VPS.
type VPSFile struct{ Name, File, Host string }

// HostFile is one generated host.
type HostFile struct{ Name, File string }

// Fleet lists what was generated.
type Fleet struct {
	VPS   []VPSFile
	Hosts []HostFile
}

// Generate writes Dir/vps/vpsNNNNN.rrd and Dir/hosts/hostNN-uptime.rrd.
func Generate(ctx context.Context, o Options) (*Fleet, error) {
	if o.VPS < 1 || o.Hosts < 1 || o.VPS > 1_000_000 || o.Hosts > 10_000 {
		return nil, fmt.Errorf("fleet: need 1..1000000 VPS and 1..10000 hosts")
	}
	first := o.Start.Unix() / Step * Step
	last := o.End.Unix() / Step * Step
	if last <= first {
		return nil, fmt.Errorf("fleet: empty data range")
	}
	for _, d := range []string{"vps", "hosts"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	fl := &Fleet{}
	for i := range o.Hosts {
		fl.Hosts = append(fl.Hosts, HostFile{Name: fmt.Sprintf("host%02d", i), File: filepath.Join(o.Dir, "hosts", fmt.Sprintf("host%02d-uptime.rrd", i))})
	}
	for i := range o.VPS {
		fl.VPS = append(fl.VPS, VPSFile{Name: fmt.Sprintf("vps%05d", i), File: filepath.Join(o.Dir, "vps", fmt.Sprintf("vps%05d.rrd", i)), Host: fl.Hosts[i%o.Hosts].Name})
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, h := range fl.Hosts {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return rrdwrite.WriteFile(h.File, HostSpec(), first, last, hostPDP(o.Seed, i, first, last))
		})
	}
	for i, v := range fl.VPS {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return rrdwrite.WriteFile(v.File, VPSSpec(), first, last, vpsPDP(o.Seed, i, first, last))
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return fl, nil
}

// dayShape is a traffic multiplier: low at night, high in the evening.
func dayShape(t int64) float64 {
	h := float64(t%86400) / 3600
	return 0.35 + 0.65*math.Pow(math.Sin(math.Pi*(h-4)/24), 2)
}

// vpsPDP returns the PDP source for VPS i. Every fifth VPS has a 4-hour gap
// one day in, VPS 1 a counter reset (one PDP of ~1.8e19 B/s, what a
// 64-bit wrap reads as) two days before the end.
func vpsPDP(seed uint64, i int, first, last int64) func(int64, []float64) {
	r := rand.New(rand.NewPCG(seed, uint64(i)*2+1))
	scale := 0.2 + 4*r.Float64()*r.Float64() // a few heavy users
	cpu := 5 + 60*r.Float64()
	vm := 262144 + float64(r.IntN(8))*262144 // KB
	disk := 2e6 + 3e7*r.Float64()            // KB
	growth := disk * 0.05 / 86400 / 30       // 5 %/month
	gapStart := first + 86400 + int64(r.IntN(86400))/Step*Step
	reset := last - 2*86400
	noise := rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(i)))
	return func(t int64, v []float64) {
		if i%5 == 0 && t > gapStart && t <= gapStart+4*3600 {
			return // unknown: nothing collected
		}
		s := dayShape(t)
		n := 0.85 + 0.3*noise.Float64()
		v[0] = cpu * s * n * 0.8
		v[1] = cpu * s * n * 0.2
		v[2] = scale * 2.5e5 * s * n
		v[3] = scale * 1.0e6 * s * (1.15 - 0.3*noise.Float64())
		v[4] = vm
		v[5] = vm * (0.4 + 0.2*s)
		v[6] = disk + growth*float64(t-first)
		if i == 1 && t == reset {
			v[2] = 1.8446744073709552e19 / Step
		}
	}
}

// hostPDP: host 0 drops to 97.5 % for 3 hours on the 7th day, host 1 to
// 99.95 % for an hour on the 20th; every host is otherwise at 100 %.
func hostPDP(seed uint64, i int, first, last int64) func(int64, []float64) {
	return func(t int64, v []float64) {
		v[0] = 100
		switch {
		case i == 0 && t > first+7*86400 && t <= first+7*86400+3*3600:
			v[0] = 97.5
		case i == 1 && t > first+20*86400 && t <= first+20*86400+3600:
			v[0] = 99.95
		}
	}
}
