package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"billrun": func() { os.Exit(execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the end-to-end scripts in testdata/script. $FIXTURES is
// rrdfetch's committed fixtures (files made by rrdtool, with rrdtool's
// output beside them), $REPORTFX report's.
func TestScript(t *testing.T) {
	fixtures, err := filepath.Abs("../../rrdfetch/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	reportFixtures, err := filepath.Abs("../../report/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixtures)
			e.Setenv("REPORTFX", reportFixtures)
			e.Setenv("RRDCACHED_ADDRESS", "")
			return nil
		},
	})
}
