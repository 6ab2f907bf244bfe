package main

import (
	"io"
	"os"

	"github.com/cheggaaa/pb/v3"
	"github.com/mattn/go-isatty"
)

// progressBar returns a billing.Options.Progress that draws a bar on
// stderr when stderr is a terminal and the run reads many files; nil (no
// output) otherwise, so logs and CI output stay clean.
func progressBar(stderr io.Writer) (start func(total int) func(), stop func()) {
	f, ok := stderr.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil, func() {}
	}
	var bar *pb.ProgressBar
	start = func(total int) func() {
		if total < 100 {
			return nil
		}
		bar = pb.New(total).SetWriter(f).Start()
		return func() { bar.Increment() }
	}
	return start, func() {
		if bar != nil {
			bar.Finish()
		}
	}
}
