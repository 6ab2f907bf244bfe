package main

import (
	"context"
	"fmt"
	"iter"

	"github.com/billrun/billrun/rrdcached"
)

// flushThrough asks the rrdcached at flag (or $RRDCACHED_ADDRESS) to write
// the files' queued updates to disk, so a read includes them. No address:
// nothing to do.
func flushThrough(ctx context.Context, flag string, files ...string) error {
	return flushEach(ctx, flag, func(yield func(string, error) bool) {
		for _, f := range files {
			if !yield(f, nil) {
				return
			}
		}
	})
}

// flushBatch is how many files one BATCH flushes: a fleet's files are
// sent in batches of this many, on one connection, so that what is held
// does not grow with the fleet.
var flushBatch = 4096 // a variable for the tests

// flushEach is flushThrough for the files files yields (an error it
// yields ends the flush with it). It dials only when there is a file, and
// stops at the first batch that fails, with that batch's errors.
func flushEach(ctx context.Context, flag string, files iter.Seq2[string, error]) error {
	addr := rrdcached.Address(flag)
	if addr == "" {
		return nil
	}
	var c *rrdcached.Client
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	batch := make([]string, 0, flushBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if c == nil {
			var err error
			if c, err = rrdcached.Dial(ctx, addr); err != nil {
				return fmt.Errorf("rrdcached %s: %w", addr, err)
			}
		}
		err := c.FlushMany(ctx, batch)
		batch = batch[:0]
		return err
	}
	for f, err := range files {
		if err != nil {
			return err
		}
		if batch = append(batch, f); len(batch) == flushBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
