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

	"github.com/billrun/billrun/rrdfetch"
)

// firstKnown finds where each file's data begins as rrdtool dump shows
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
		got, ok, err := firstKnown(f)
		f.Close()
		if err != nil || got != want || ok != wantOK {
			t.Errorf("%s: first known row begins %d (%v, %v), rrdtool dump: %d (%v)", file, got, ok, err, want, wantOK)
		}
	}
}

// dumpFirst is where rrdtool dump shows file's data beginning.
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
	var first int64
	ok := false
	for _, r := range d.RRA {
		if r.CF != "AVERAGE" {
			continue
		}
		// each row: <!-- 2026-10-08 08:00:00 UTC / 1791439200 --> <row><v>…</v>…</row>
		for _, line := range strings.Split(r.DB.Inner, "\n") {
			i, j := strings.Index(line, " / "), strings.Index(line, " -->")
			if i < 0 || j < i {
				continue
			}
			stamp, _ := strconv.ParseInt(line[i+3:j], 10, 64)
			known := false
			for _, v := range strings.Split(line[j:], "<v>")[1:] {
				x, err := strconv.ParseFloat(strings.TrimSpace(strings.Split(v, "</v>")[0]), 64)
				known = known || err == nil && !math.IsNaN(x)
			}
			if known {
				if at := stamp - d.Step*r.PDPPerRow; !ok || at < first {
					first, ok = at, true
				}
				break
			}
		}
	}
	return first, ok
}
