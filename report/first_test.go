package report

import (
	"encoding/xml"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/rrdfetch"
)

// firstKnownFrom(f, beginning) finds where each file's data begins as rrdtool dump shows
// it: the earliest row, in any AVERAGE RRA, with a known value, less its
// step; a file created and never updated has none.
func TestFirstKnownIsRRDtools(t *testing.T) {
	if _, err := exec.LookPath("rrdtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI")
		}
		t.Skip("rrdtool not installed")
	}
	empty := filepath.Join(t.TempDir(), "empty.rrd")
	if out, err := exec.Command("rrdtool", "create", empty, "--start", "1791590400", "--step", "60",
		"DS:vs_in:COUNTER:120:0:U", "RRA:AVERAGE:0.5:1:1440", "RRA:AVERAGE:0.5:10:1000").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	files := []string{empty}
	for _, n := range []string{"vps-full", "vps-parts", "vps-young", "host-a", "host-b"} {
		files = append(files, fixture(n).File)
	}
	for _, file := range files {
		want, wantOK := dumpFirst(t, file)
		f, err := rrdfetch.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := firstKnownFrom(f, beginning)
		f.Close()
		if err != nil || got != want || ok != wantOK {
			t.Errorf("%s: first known row begins %d (%v, %v), rrdtool dump: %d (%v)", file, got, ok, err, want, wantOK)
		}
	}
}

// dumpFirst is where rrdtool dump shows file's data beginning: the start
// of the earliest known row of an AVERAGE RRA, among the rows no finer
// RRA's ring holds (a coarse row is known when rrdtool's xff lets part
// of it be).
func dumpFirst(t *testing.T, file string) (int64, bool) {
	out, err := exec.Command("rrdtool", "dump", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Step int64 `xml:"step"`
		RRA  []struct {
			CF        string `xml:"cf"`
			PDPPerRow int64  `xml:"pdp_per_row"`
			DB        struct {
				Inner string `xml:",innerxml"`
			} `xml:"database"`
		} `xml:"rra"`
	}
	if err := xml.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	// Per AVERAGE RRA: its step, where its ring begins, and the stamp of
	// its first known row (0: none).
	type rra struct{ step, from, known int64 }
	var rras []rra
	for _, r := range d.RRA {
		if r.CF != "AVERAGE" {
			continue
		}
		x := rra{step: d.Step * r.PDPPerRow, from: math.MaxInt64}
		// each row: <!-- 2026-10-08 08:00:00 UTC / 1791439200 --> <row><v>…</v>…</row>
		for _, line := range strings.Split(r.DB.Inner, "\n") {
			i, j := strings.Index(line, " / "), strings.Index(line, " -->")
			if i < 0 || j < i {
				continue
			}
			stamp, _ := strconv.ParseInt(line[i+3:j], 10, 64)
			x.from = min(x.from, stamp-x.step)
			known := false
			for _, v := range strings.Split(line[j:], "<v>")[1:] {
				f, err := strconv.ParseFloat(strings.TrimSpace(strings.Split(v, "</v>")[0]), 64)
				known = known || err == nil && !math.IsNaN(f)
			}
			if known {
				x.known = stamp
				break
			}
		}
		rras = append(rras, x)
	}
	// A known row counts where no finer RRA's ring holds its time.
	var first int64
	ok := false
	for _, r := range rras {
		limit := int64(math.MaxInt64)
		for _, f := range rras {
			if f.step < r.step {
				limit = min(limit, f.from)
			}
		}
		if at := r.known - r.step; r.known != 0 && r.known <= limit && (!ok || at < first) {
			first, ok = at, true
		}
	}
	return first, ok
}

// A billing run measures a VPS from its file's first row only when the
// file has no data before the window: a gap at the window's start after
// earlier data is monitoring's, and keeps the window whole; a file made
// during the window starts it at its first row, as rrdtool dump shows it;
// a file with no data empties it.
func TestFromData(t *testing.T) {
	if _, err := exec.LookPath("rrdtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI")
		}
		t.Skip("rrdtool not installed")
	}
	const sep20, oct1, oct3, oct5, nov1 = 1789862400, 1790812800, 1790985600, 1791158400 + 43200, 1793491200
	mk := func(name string, created int64, spans ...[2]int64) string {
		file := filepath.Join(t.TempDir(), name)
		run := func(args ...string) {
			if out, err := exec.Command("rrdtool", args...).CombinedOutput(); err != nil {
				t.Fatalf("rrdtool %v: %v\n%s", args[:2], err, out)
			}
		}
		run("create", file, "--start", strconv.FormatInt(created, 10), "--step", "600", "DS:vs_vm:GAUGE:1200:0:U",
			"RRA:AVERAGE:0.5:1:8000", "RRA:AVERAGE:0.5:6:2000")
		for _, s := range spans {
			var args []string
			for ts := s[0]; ts <= s[1]; ts += 600 {
				args = append(args, strconv.FormatInt(ts, 10)+":5")
			}
			for len(args) > 0 {
				n := min(len(args), 500)
				run(append([]string{"update", file}, args[:n]...)...)
				args = args[n:]
			}
		}
		return file
	}
	w := period.Period{Start: time.Unix(oct1, 0).UTC(), End: time.Unix(nov1, 0).UTC()}
	gap := mk("gap.rrd", sep20, [2]int64{sep20 + 600, sep20 + 5*86400}, [2]int64{oct3, oct3 + 7*86400})
	young := mk("young.rrd", oct5, [2]int64{oct5 + 600, oct5 + 5*86400})
	empty := mk("empty.rrd", oct5)
	wantYoung, _ := dumpFirst(t, young)
	for _, c := range []struct {
		file string
		want int64
	}{{gap, 0}, {young, wantYoung}, {empty, nov1}} {
		f, err := rrdfetch.Open(c.file)
		if err != nil {
			t.Fatal(err)
		}
		got, from, err := fromData(f, w)
		f.Close()
		if err != nil || from != c.want {
			t.Errorf("%s: data from %d (%v), want %d", filepath.Base(c.file), from, err, c.want)
		}
		if c.want != 0 && got.Start.Unix() != c.want || c.want == 0 && !got.Start.Equal(w.Start) {
			t.Errorf("%s: window starts %v", filepath.Base(c.file), got.Start)
		}
	}
}
