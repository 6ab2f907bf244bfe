package rrdfetch_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/rrdfetch"
	"github.com/rogpeppe/go-internal/diff"
)

// needRRDtool returns the rrdtool binary. In CI (CI set) its absence is a
// failure: the differential suite is required there.
func needRRDtool(t testing.TB) string {
	p, err := exec.LookPath("rrdtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI: apt-get install rrdtool")
		}
		t.Skip("rrdtool not installed")
	}
	return p
}

func rrdtool(t testing.TB, args ...string) (string, error) {
	out, err := exec.Command("rrdtool", args...).CombinedOutput()
	return string(out), err
}

// genCase builds a random RRD with rrdtool and returns its path and the
// shell commands that made it (for reproduction).
func genCase(t *testing.T, r *rand.Rand, dir string) (string, []string) {
	file := filepath.Join(dir, "c.rrd")
	steps := []int64{1, 5, 10, 60, 300, 7}
	step := steps[r.IntN(len(steps))]
	start := int64(1_600_000_000) + r.Int64N(100_000_000)
	start -= start % 60
	args := []string{"create", file, "--start", fmt.Sprint(start), "--step", fmt.Sprint(step)}
	nds := 1 + r.IntN(4)
	types := []string{"GAUGE", "COUNTER", "DERIVE", "ABSOLUTE", "DCOUNTER", "DDERIVE"}
	var names []string
	for i := range nds {
		name := fmt.Sprintf("ds%d", i)
		names = append(names, name)
		ty := types[r.IntN(len(types))]
		min, max := "U", "U"
		if r.IntN(3) == 0 {
			min = "0"
		}
		if r.IntN(4) == 0 {
			max = "1000000"
		}
		args = append(args, fmt.Sprintf("DS:%s:%s:%d:%s:%s", name, ty, step*int64(1+r.IntN(4)), min, max))
	}
	if r.IntN(4) == 0 {
		args = append(args, fmt.Sprintf("DS:cmp:COMPUTE:%s,2,*,%s,+", names[0], names[len(names)-1]))
		names = append(names, "cmp")
	}
	cfs := []string{"AVERAGE", "MIN", "MAX", "LAST"}
	nrra := 1 + r.IntN(5)
	for range nrra {
		pdp := []int{1, 1, 2, 3, 5, 12}[r.IntN(6)]
		rows := 3 + r.IntN(40)
		args = append(args, fmt.Sprintf("RRA:%s:%.2f:%d:%d", cfs[r.IntN(4)], r.Float64()*0.99, pdp, rows))
	}
	switch r.IntN(6) {
	case 0:
		args = append(args, fmt.Sprintf("RRA:HWPREDICT:%d:0.1:0.01:%d", 10+r.IntN(20), 3+r.IntN(5)))
	case 1:
		args = append(args, fmt.Sprintf("RRA:MHWPREDICT:%d:0.1:0.01:%d", 10+r.IntN(20), 3+r.IntN(5)))
	}
	cmds := []string{"rrdtool " + strings.Join(args, " ")}
	if out, err := rrdtool(t, args...); err != nil {
		t.Fatalf("%s\n%s", cmds[0], out)
	}
	if r.IntN(5) == 0 {
		a := []string{"tune", file, "--data-source-type", "ds0:DCOUNTER"}
		if out, err := rrdtool(t, a...); err == nil {
			cmds = append(cmds, "rrdtool "+strings.Join(a, " "))
		} else {
			_ = out
		}
	}
	// Updates: a young file, a wrapped one, with gaps and unknowns.
	n := []int{0, 3, 30, 300}[r.IntN(4)]
	ts := start
	var batch []string
	flush := func() {
		if len(batch) == 0 {
			return
		}
		a := append([]string{"update", file}, batch...)
		if out, err := rrdtool(t, a...); err != nil {
			t.Fatalf("%s\n%s", strings.Join(a, " "), out)
		}
		cmds = append(cmds, "rrdtool "+strings.Join(a, " "))
		batch = nil
	}
	ctr := make([]int64, nds)
	for range n {
		switch r.IntN(20) {
		case 0:
			ts += step * int64(5+r.IntN(20)) // gap beyond the heartbeat
		case 1:
			ts += 1 + r.Int64N(step)
		default:
			ts += step
		}
		vals := []string{fmt.Sprint(ts)}
		for i := range nds {
			if r.IntN(15) == 0 {
				vals = append(vals, "U")
				continue
			}
			ctr[i] += r.Int64N(1000)
			vals = append(vals, fmt.Sprint(ctr[i]))
		}
		batch = append(batch, strings.Join(vals, ":"))
		if len(batch) == 200 {
			flush()
		}
	}
	flush()
	return file, cmds
}

func TestDifferential(t *testing.T) {
	needRRDtool(t)
	const cases, windows = 60, 40
	for c := range cases {
		t.Run(fmt.Sprintf("case%02d", c), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(20261124, uint64(c)))
			file, cmds := genCase(t, r, t.TempDir())
			repro := func() string {
				return "reproduce with:\n  " + strings.Join(cmds, "\n  ")
			}
			f, err := rrdfetch.Open(file)
			if err != nil {
				t.Fatalf("open: %v\n%s", err, repro())
			}
			defer f.Close()
			// info, line for line
			want, err := rrdtool(t, "info", file)
			if err != nil {
				t.Fatal(want)
			}
			var got strings.Builder
			for _, l := range f.Header().Info(file) {
				got.WriteString(l.String() + "\n")
			}
			if got.String() != want {
				t.Errorf("info differs\n%s\n%s", diff.Diff("rrdtool", []byte(want), "rrdfetch", []byte(got.String())), repro())
			}
			last := f.Header().LastUpdate
			compared, refused := 0, 0
			defer func() {
				t.Logf("%d windows compared value for value, %d refused by both", compared, refused)
				if compared == 0 {
					t.Errorf("no window was compared")
				}
			}()
			cfList := []string{"AVERAGE", "MIN", "MAX", "LAST", "HWPREDICT", "SEASONAL", "DEVPREDICT", "DEVSEASONAL", "FAILURES", "MHWPREDICT"}
			for w := range windows {
				span := int64(1 + r.IntN(int(f.Header().Step)*200))
				var start int64
				switch r.IntN(4) {
				case 0: // inside recent coverage
					start = last - span - r.Int64N(span+1)
				case 1: // straddling the end
					start = last - span/2
				case 2: // far before
					start = last - 50*span - r.Int64N(int64(f.Header().Step)*1000)
				case 3: // after
					start = last + r.Int64N(span+1)
				}
				end := start + span
				if r.IntN(3) == 0 {
					end -= end % int64(f.Header().Step) // aligned end
				}
				cf := cfList[r.IntN(4)]
				if r.IntN(5) == 0 {
					cf = cfList[r.IntN(len(cfList))]
				}
				args := []string{"fetch", file, cf, "-s", fmt.Sprint(start), "-e", fmt.Sprint(end)}
				var res int64
				if r.IntN(2) == 0 {
					res = []int64{1, int64(f.Header().Step), int64(f.Header().Step) * 3, 60, 300, 3600}[r.IntN(6)]
					args = append(args, "-r", fmt.Sprint(res))
				}
				align := r.IntN(4) == 0
				if align {
					args = append(args, "-a")
				}
				want, werr := rrdtool(t, args...)
				d, gerr := f.Fetch(cf, start, end, res, align)
				cmd := "rrdtool " + strings.Join(args, " ")
				if (werr != nil) != (gerr != nil) {
					t.Fatalf("window %d: %s\nrrdtool: %v %s\nrrdfetch: %v\n%s", w, cmd, werr, want, gerr, repro())
				}
				if werr != nil {
					refused++
					continue
				}
				compared++
				var buf bytes.Buffer
				if err := d.WriteText(&buf); err != nil {
					t.Fatal(err)
				}
				if buf.String() != want {
					t.Fatalf("window %d: %s differs\n%s\n%s", w, cmd, diff.Diff("rrdtool", []byte(want), "rrdfetch", buf.Bytes()), repro())
				}
			}
		})
	}
}
