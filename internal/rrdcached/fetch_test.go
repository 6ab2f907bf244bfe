package rrdcached_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/rrdcached/rrdcachedtest"
	"github.com/billrun/billrun/rrdfetch"
)

// FETCH through a real rrdcached gives the rows rrdfetch reads from the
// (flushed) file, bit for bit, NaN signs included; INFO gives its header.
func TestFetchAndHeader(t *testing.T) {
	addr, base := rrdcachedtest.StartTCP(t)
	file := filepath.Join(base, "v.rrd")
	create(t, file)
	rrdcachedtest.Update(t, addr, "v.rrd", "1700000060:1.25", "1700000120:U", "1700000180:3.5e-7", "1700000240:1e300")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rrdcached.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.Fetch(ctx, "v.rrd", "AVERAGE", 1700000000, 1700000300)
	if err != nil {
		t.Fatal(err)
	}
	f, err := rrdfetch.Open(file) // FETCH flushed it
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := f.Fetch("AVERAGE", 1700000000, 1700000300, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Start != want.Start || got.End != want.End || got.Step != want.Step || len(got.Values) != len(want.Values) {
		t.Fatalf("FETCH %d..%d/%d (%d values), rrdfetch %d..%d/%d (%d)", got.Start, got.End, got.Step, len(got.Values), want.Start, want.End, want.Step, len(want.Values))
	}
	known := 0
	for i := range got.Values {
		if math.Float64bits(got.Values[i]) != math.Float64bits(want.Values[i]) {
			t.Errorf("value %d: FETCH %v (%x), file %v (%x)", i, got.Values[i], math.Float64bits(got.Values[i]), want.Values[i], math.Float64bits(want.Values[i]))
		}
		if !math.IsNaN(got.Values[i]) {
			known++
		}
	}
	if known < 3 {
		t.Errorf("only %d known values; the updates did not arrive", known)
	}
	h, err := c.Header(ctx, "v.rrd")
	if err != nil {
		t.Fatal(err)
	}
	fh := f.Header()
	if h.Step != fh.Step || h.LastUpdate != fh.LastUpdate || len(h.RRA) != 1 || h.RRA[0].Rows != 100 || h.RRA[0].CF != "AVERAGE" || len(h.DS) != 1 || h.DS[0].Name != "v" {
		t.Errorf("INFO header %+v", h)
	}
	if _, err := c.Fetch(ctx, "nosuch.rrd", "AVERAGE", 1700000000, 1700000300); err == nil {
		t.Error("FETCH of a missing file succeeded")
	}
}

func FuzzParseFetch(f *testing.F) {
	f.Add("FlushVersion: 1\nStart: 10\nEnd: 20\nStep: 10\nDSCount: 1\nDSName: a\n        20: -nan")
	f.Fuzz(func(t *testing.T, s string) {
		rrdcached.ParseFetchForTest(s)
	})
}
