package main

import (
	"context"
	"fmt"

	"github.com/billrun/billrun/rrdcached"
)

// flushThrough asks the rrdcached at flag (or $RRDCACHED_ADDRESS) to write
// the file's queued updates to disk, so a read includes them. No address:
// nothing to do.
func flushThrough(ctx context.Context, flag string, files ...string) error {
	addr := rrdcached.Address(flag)
	if addr == "" {
		return nil
	}
	c, err := rrdcached.Dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("rrdcached %s: %w", addr, err)
	}
	defer c.Close()
	return c.FlushMany(ctx, files)
}
