package job

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
)

// Check finds the mistakes of a config that only show against the figures
// and prices: a plan pricing a metric no metric definition has, a billing
// unit the metric's unit does not convert to (unit: Gb would have dropped
// every traffic charge with a warning), and one RRD file billed under two
// VPS names. Each is an error naming the config and the key.
func Check(cfg *config.Config) error {
	where := cfg.Path()
	if where == "" {
		where = "config"
	}
	units := map[string]string{}
	var names []string
	for _, m := range Metrics(cfg) {
		units[m.Name] = m.Unit
		names = append(names, m.Name)
	}
	for i, p := range cfg.Plans {
		keys := make([]string, 0, len(p.Metrics))
		for k := range p.Metrics {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			base, ok := units[k]
			if !ok {
				return fmt.Errorf("%s: plans[%d].metrics.%s: no metric is named %s (the metrics: %s)", where, i, k, k, strings.Join(names, ", "))
			}
			if u := p.Metrics[k].Unit; !slices.Contains(pricing.Units(base), u) {
				return fmt.Errorf("%s: plans[%d].metrics.%s.unit: %s does not convert from the metric's %s (units: %s)",
					where, i, k, u, base, strings.Join(pricing.Units(base), " "))
			}
		}
	}
	vps := VPSSources(cfg)
	// A symlink can lead out of rrd_dir where the names stay in it.
	if !cfg.AllowOutsideRRDDir {
		dir, err := filepath.EvalSymlinks(cfg.RRDDir)
		if err != nil {
			dir = cfg.RRDDir
		}
		for _, s := range append(slices.Clip(vps), HostSources(cfg)...) {
			if s.Daemon != "" {
				continue
			}
			if real, err := filepath.EvalSymlinks(s.File); err == nil && !config.Within(dir, real) {
				return fmt.Errorf("%s: %s: %s leads to %s, outside rrd_dir (allow_outside_rrd_dir: true bills it)", where, s.Name, s.File, real)
			}
		}
	}
	byFile := map[string]string{}
	// A hard link or a symlink gives one file two names: local files are
	// also told apart by device and inode.
	type inode struct{ dev, ino uint64 }
	byInode := map[inode]report.Source{}
	for _, s := range vps {
		key := s.Daemon + "\x00" + s.File
		if other, ok := byFile[key]; ok {
			return fmt.Errorf("%s: VPS %s and %s are the same file %s: it would be billed twice", where, other, s.Name, s.File)
		}
		byFile[key] = s.Name
		if s.Daemon != "" {
			continue
		}
		st, err := os.Stat(s.File) // a missing file is the run's to report
		if err != nil {
			continue
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			id := inode{uint64(sys.Dev), sys.Ino}
			if other, ok := byInode[id]; ok {
				return fmt.Errorf("%s: VPS %s and %s are the same file (%s and %s, linked): it would be billed twice", where, other.Name, s.Name, other.File, s.File)
			}
			byInode[id] = s
		}
	}
	return nil
}
