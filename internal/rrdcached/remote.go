package rrdcached

import (
	"context"
	"fmt"

	"github.com/billrun/billrun/rrdfetch"
)

// RemoteFile is an RRD that lives on another host, read through that
// host's rrdcached: its header from INFO, its rows from FETCH (1.7's FETCH
// flushes the file first). It has the methods report reads rows with.
type RemoteFile struct {
	c    *Client
	file string
	h    *rrdfetch.Header
	ctx  context.Context
}

// OpenRemote connects to the rrdcached at daemon and reads file's header;
// everything done with the file, until Close, is bounded by ctx (its
// deadline is the caller's bound on the daemon).
func OpenRemote(ctx context.Context, daemon, file string) (*RemoteFile, error) {
	c, err := Dial(ctx, daemon)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	h, err := c.Header(ctx, file)
	if err != nil {
		c.Close()
		return nil, err
	}
	return &RemoteFile{c: c, file: file, h: h, ctx: ctx}, nil
}

// Header is the file's header, as INFO gave it.
func (r *RemoteFile) Header() *rrdfetch.Header { return r.h }

// Close closes the connection.
func (r *RemoteFile) Close() error { return r.c.Close() }

// ReadRRAInto fetches [start, end]. rrdcached picks the RRA itself (the
// finest that covers start), so rows of another step than rra[i]'s are an
// error rather than silently different figures.
func (r *RemoteFile) ReadRRAInto(i int, start, end int64, _ []float64) (*rrdfetch.Data, error) {
	d, err := r.c.Fetch(r.ctx, r.file, "AVERAGE", start, end)
	if err != nil {
		return nil, err
	}
	if want := r.h.RRAStep(i); d.Step != want {
		return nil, fmt.Errorf("%s: rrdcached answered with %d-second rows, rra[%d] has %d", r.file, d.Step, i, want)
	}
	d.RRA = i
	return d, nil
}
