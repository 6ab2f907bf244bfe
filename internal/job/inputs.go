package job

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/report"
)

// Metrics are the config's metric definitions as report takes them: the
// seed's six when it names none.
func Metrics(cfg *config.Config) []report.Metric {
	if len(cfg.Metrics) == 0 {
		return report.DefaultMetrics()
	}
	var out []report.Metric
	for _, m := range cfg.Metrics {
		out = append(out, report.Metric{Name: m.Name, DS: m.DS, Kind: report.MetricKind(m.Kind), Unit: m.Unit, MaxRate: m.MaxRate})
	}
	return out
}

// Threshold is the uptime below which a host is degraded: the config's,
// else the seed's 99.99.
func Threshold(cfg *config.Config) float64 {
	if cfg.UptimeThreshold == nil {
		return report.DefaultThreshold
	}
	return *cfg.UptimeThreshold
}

// Gaps is the config's policy for hosts' gaps (uptime_gaps, validated).
func Gaps(cfg *config.Config) report.Gaps {
	g, _ := report.ParseGaps(cfg.UptimeGaps)
	return g
}

// Witnesses lists each host's VPS files, by host name: where the host's
// uptime file has a gap, their data tells a host that ran from one that
// was down.
func Witnesses(cfg *config.Config) map[string][]report.Source {
	out := map[string][]report.Source{}
	add := func(name, file, host string) {
		if host != "" {
			out[host] = append(out[host], report.Source{Name: name, File: file, Daemon: cfg.RemoteDaemon(host)})
		}
	}
	for _, v := range cfg.VPS {
		add(v.Name, v.File, v.Host)
	}
	for _, cu := range cfg.Customers {
		for _, v := range cu.VPS {
			add(v.Name, v.File, v.Host)
		}
	}
	return out
}

// VPSSources lists the VPS files, top-level and customers', sorted by name.
func VPSSources(cfg *config.Config) []report.Source {
	out := make([]report.Source, 0, cfg.NumVPS())
	for _, v := range cfg.VPS {
		out = append(out, report.Source{Name: v.Name, File: v.File, Daemon: cfg.RemoteDaemon(v.Host)})
	}
	for _, cu := range cfg.Customers {
		var step int32
		var sum bool
		if p := cfg.Plan(cu.Plan); p != nil && p.P95 != nil {
			step, sum = int32(p.P95.Step), p.P95.Direction == "sum" // at most 3600
		}
		for _, v := range cu.VPS {
			out = append(out, report.Source{Name: v.Name, File: v.File, From: report.Bound(v.From), Until: report.Bound(v.Until), Daemon: cfg.RemoteDaemon(v.Host),
				P95Step: step, P95Sum: sum, FromData: true})
		}
	}
	slices.SortStableFunc(out, func(a, b report.Source) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// HostSources lists the host uptime files in configuration order.
func HostSources(cfg *config.Config) []report.Source {
	var out []report.Source
	for _, h := range cfg.Hosts {
		out = append(out, report.Source{Name: h.Name, File: h.File, Daemon: h.Daemon, FromData: true})
	}
	return out
}

// LocalFiles lists the files read from this machine (not through a
// host's rrdcached), for flushing through the local rrdcached.
func LocalFiles(cfg *config.Config) []string {
	var out []string
	for _, s := range append(VPSSources(cfg), HostSources(cfg)...) {
		if s.Daemon == "" {
			out = append(out, s.File)
		}
	}
	return out
}

// Begins is when billing may begin: the start of the config's
// billing_start, else when the earliest data of its VPS files begins (ok
// false: none has data yet, so nothing is billed). The scheduler bills no
// period that ends at or before it. Once periods are billed (billed), the
// data began before them: the files are not read, and no bound is given
// but billing_start.
func Begins(ctx context.Context, cfg *config.Config, billed bool) (t time.Time, ok bool, err error) {
	if s := cfg.Start(); !s.IsZero() || billed {
		return s, true, nil
	}
	first, ok, err := report.DataBegins(ctx, VPSSources(cfg), report.Options{Open: OpenSource})
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	return time.Unix(first, 0).In(cfg.Location()), true, nil
}
