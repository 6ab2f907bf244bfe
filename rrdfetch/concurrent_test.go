package rrdfetch_test

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/billrun/billrun/rrdfetch"
)

// TestFetchDuringUpdates runs rrdtool update in a tight loop on a file
// while fetching it. Every update must succeed (billrun takes no lock that
// could make rrdtool's non-blocking lock fail) and every fetch must be a
// consistent snapshot: the value of the row stamped t is a known function
// of t, so a row read from the wrong ring position shows up.
func TestFetchDuringUpdates(t *testing.T) {
	needRRDtool(t)
	const step, start = 10, 1_700_000_000
	file := filepath.Join(t.TempDir(), "live.rrd")
	if out, err := exec.Command("rrdtool", "create", file, "--start", fmt.Sprint(start), "--step", fmt.Sprint(step),
		"DS:v:GAUGE:20:U:U", "RRA:AVERAGE:0.5:1:50").CombinedOutput(); err != nil {
		t.Fatal(string(out))
	}
	value := func(ts int64) float64 { return float64((ts / step) % 997) }
	// A writer that updates one row per rrdtool call, 400 calls.
	var updates, failed atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts := int64(start)
		for range 400 {
			var args []string
			for range 3 {
				ts += step
				args = append(args, fmt.Sprintf("%d:%g", ts, value(ts)))
			}
			out, err := exec.Command("rrdtool", append([]string{"update", file}, args...)...).CombinedOutput()
			if err != nil {
				failed.Add(1)
				t.Errorf("rrdtool update failed while billrun was reading: %v: %s", err, strings.TrimSpace(string(out)))
			}
			updates.Add(1)
		}
	}()
	f, err := rrdfetch.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fetches, rowsChecked := 0, 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		d, err := f.Fetch("AVERAGE", start+step, start+20000, step, false)
		if err != nil {
			t.Fatal(err)
		}
		fetches++
		for i := range d.Rows() {
			v := d.Row(i)[0]
			if math.IsNaN(v) {
				continue
			}
			rowsChecked++
			if want := value(d.Time(i)); v != want {
				t.Fatalf("fetch %d: row %d stamped %d has %g, want %g: torn read", fetches, i, d.Time(i), v, want)
			}
		}
		time.Sleep(time.Millisecond)
	}
	if failed.Load() > 0 || updates.Load() != 400 {
		t.Fatalf("%d of %d updates failed", failed.Load(), updates.Load())
	}
	if fetches < 20 || rowsChecked == 0 {
		t.Fatalf("only %d fetches, %d rows checked: the test did not overlap reads and writes", fetches, rowsChecked)
	}
	t.Logf("%d fetches, %d rows checked during %d updates", fetches, rowsChecked, updates.Load())
}
