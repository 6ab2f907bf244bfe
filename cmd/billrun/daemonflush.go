package main

import (
	"context"
	"fmt"

	"github.com/billrun/billrun/internal/rrdcached"
)

// flushThrough asks the rrdcached at flag (or $RRDCACHED_ADDRESS) to write
// the files' queued updates to disk, so a read includes them. No address:
// nothing to do. It dials only when there is a file, sends the files in
// batches of flushBatch on one connection, and stops at the first batch
// that fails, with that batch's errors.
func flushThrough(ctx context.Context, flag string, files ...string) error {
	addr := rrdcached.Address(flag)
	if addr == "" || len(files) == 0 {
		return nil
	}
	c, err := rrdcached.Dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("rrdcached %s: %w", addr, err)
	}
	defer c.Close()
	for len(files) > 0 {
		n := min(len(files), flushBatch)
		if err := c.FlushMany(ctx, files[:n]); err != nil {
			return err
		}
		files = files[n:]
	}
	return nil
}

// flushBatch is how many files one BATCH flushes, so that one command
// does not grow with the fleet.
var flushBatch = 4096 // a variable for the tests
