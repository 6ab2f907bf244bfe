package rrdfetch_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/billrun/billrun/rrdfetch"
)

// FuzzOpen feeds arbitrary bytes to the parser and, when a header parses,
// to Fetch and Info. Nothing may panic, every failure must wrap one of
// the package's sentinel errors, and no input may make the reader
// allocate beyond what its size allows.
func FuzzOpen(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fixtures/*/*.rrd")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil && len(b) <= 1<<16 {
			f.Add(b)
		}
	}
	f.Add([]byte("RRD\x000003\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return // size cap: headers are small, big inputs only slow the fuzzer
		}
		file, err := rrdfetch.NewFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, rrdfetch.ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
			return
		}
		h := file.Header()
		_ = h.Info("fuzz")
		last := h.LastUpdate
		for _, cf := range []string{"AVERAGE", "MAX", "FAILURES"} {
			d, err := file.Fetch(cf, max(last-3600, 400000000), max(last+60, 400000000), 0, false)
			if err != nil {
				if !errors.Is(err, rrdfetch.ErrFormat) && !errors.Is(err, rrdfetch.ErrNoRRA) && !errors.Is(err, rrdfetch.ErrTime) {
					t.Fatalf("unexpected error class: %v", err)
				}
				continue
			}
			if d.Rows()*len(d.DSNames) != len(d.Values) {
				t.Fatalf("ragged data")
			}
		}
	})
}
