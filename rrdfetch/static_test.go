package rrdfetch

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/billrun/billrun/rrdwrite"
)

// Files that share a static header reuse its decoding (reuseStatic), and
// get what decoding it afresh gives: their own live state, their own
// slices, and the same errors for a size that does not fit.
func TestStaticHeaderReuse(t *testing.T) {
	dir := t.TempDir()
	spec := rrdwrite.Spec{Step: 60, RRA: []rrdwrite.RRA{
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 50},
		{CF: "MAX", XFF: 0.5, PDPPerRow: 5, Rows: 20},
	}}
	for _, n := range []string{"in", "out"} {
		spec.DS = append(spec.DS, rrdwrite.DS{Name: n, Type: "GAUGE", Heartbeat: 120, Min: 0, Max: math.NaN()})
	}
	write := func(name string, last int64, v float64) string {
		p := filepath.Join(dir, name)
		if err := rrdwrite.WriteFile(p, spec, 1_700_000_040, last, func(t int64, x []float64) { x[0], x[1] = v, v+float64(t%7) }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.rrd", 1_700_000_040+60*70, 1)
	b := write("b.rrd", 1_700_000_040+60*133, 2) // other rows, cur_row, last_update
	fresh := func(name string) (*File, error) {
		lastStatic.Store(nil)
		return Open(name)
	}
	describe := func(f *File) string {
		var w bytes.Buffer
		for _, l := range f.Header().Info("x") {
			w.WriteString(l.String() + "\n")
		}
		d, err := f.Fetch("AVERAGE", 1_700_000_040, 1_700_000_040+60*140, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteText(&w); err != nil {
			t.Fatal(err)
		}
		return w.String()
	}

	fa, err := fresh(a)
	if err != nil {
		t.Fatal(err)
	}
	kept := lastStatic.Load()
	if kept == nil {
		t.Fatal("Open kept no static header")
	}
	// what one File's caller does to its header reaches no other file
	h := fa.Header()
	h.DS[0].Name, h.RRA[0].Rows, h.RRA[0].Params[0].U = "changed", 1, 99
	fb, err := Open(b)
	if err != nil {
		t.Fatal(err)
	}
	if lastStatic.Load() != kept {
		t.Fatal("b.rrd has a's static header but did not reuse it")
	}
	want, err := fresh(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(fb), describe(want); got != want {
		t.Errorf("b.rrd after a.rrd:\n%s\nopened alone:\n%s", got, want)
	}
	// nor what is done to a header that reused the kept one (want's)
	if fb, err = Open(b); err != nil {
		t.Fatal(err)
	}
	h = fb.Header()
	h.DS[1].Name, h.RRA[1].CF, h.DS[0].LastDS = "changed", "MIN", "7"
	fb2, err := Open(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(fb2), describe(want); got != want {
		t.Errorf("b.rrd again:\n%s\nopened alone:\n%s", got, want)
	}

	// the same static bytes with a size that does not fit fail as alone
	raw, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	short, long := filepath.Join(dir, "short.rrd"), filepath.Join(dir, "long.rrd")
	os.WriteFile(short, raw[:len(raw)-8], 0o644)
	os.WriteFile(long, append(raw, make([]byte, 8)...), 0o644)
	for _, name := range []string{short, long} {
		if _, err := fresh(b); err != nil { // b's static header kept
			t.Fatal(err)
		}
		got, gotErr := Open(name)
		want, wantErr := fresh(name)
		var fe *FormatError
		switch {
		case (gotErr == nil) != (wantErr == nil):
			t.Fatalf("%s: error %v, alone %v", name, gotErr, wantErr)
		case gotErr != nil:
			if gotErr.Error() != wantErr.Error() || !errors.As(gotErr, &fe) {
				t.Errorf("%s: error %v, alone %v", name, gotErr, wantErr)
			}
		case describe(got) != describe(want):
			t.Errorf("%s: differs from opening it alone", name)
		}
	}
	if _, err := Open(short); err == nil {
		t.Error("a truncated file opened")
	}
}
