package rrdcached_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/rrdcached/rrdcachedtest"
	"github.com/billrun/billrun/rrdfetch"
)

func create(t *testing.T, file string) {
	t.Helper()
	out, err := exec.Command("rrdtool", "create", file, "--start", "1700000000", "--step", "60",
		"DS:v:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:100").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

func lastUpdate(t *testing.T, file string) int64 {
	t.Helper()
	f, err := rrdfetch.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.Header().LastUpdate
}

// Updates sent through a real rrdcached stay queued (write timeout one
// hour) until Flush/FlushMany writes them; a bad name is reported by name
// and does not stop the others.
func TestFlush(t *testing.T) {
	for _, tr := range []string{"unix", "tcp"} {
		t.Run(tr, func(t *testing.T) {
			var addr, base string
			if tr == "unix" {
				addr, base = rrdcachedtest.Start(t)
			} else {
				addr, base = rrdcachedtest.StartTCP(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var files, names []string
			for i := range 3 {
				name := fmt.Sprintf("vps%d.rrd", i)
				f := filepath.Join(base, name)
				create(t, f)
				files, names = append(files, f), append(names, name)
				target := f // unix: absolute paths; TCP: relative to the daemon's base
				if tr == "tcp" {
					target = name
				}
				rrdcachedtest.Update(t, addr, target, "1700000060:1", "1700000120:2", "1700000180:3")
			}
			for _, f := range files {
				if got := lastUpdate(t, f); got != 1700000000 {
					t.Fatalf("%s: last_update %d before the flush: the daemon wrote already, test is void", f, got)
				}
			}
			c, err := rrdcached.Dial(ctx, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := names
			if tr == "unix" {
				req = files
			}
			if err := c.Flush(ctx, req[0]); err != nil {
				t.Fatal(err)
			}
			if got := lastUpdate(t, files[0]); got != 1700000180 {
				t.Fatalf("after Flush: last_update %d, want 1700000180", got)
			}
			bad := "nosuch.rrd"
			if tr == "unix" {
				bad = filepath.Join(base, bad)
			}
			err = c.FlushMany(ctx, []string{req[1], bad, req[2]})
			if err == nil || !strings.Contains(err.Error(), "nosuch.rrd") {
				t.Fatalf("FlushMany error %v does not name the bad file", err)
			}
			var se *rrdcached.ServerError
			if !errors.As(err, &se) || se.File != bad {
				t.Errorf("error %v: want a ServerError for %s", err, bad)
			}
			for _, f := range files[1:] {
				if got := lastUpdate(t, f); got != 1700000180 {
					t.Errorf("%s after FlushMany: last_update %d, want 1700000180", f, got)
				}
			}
			if tr == "tcp" {
				if err := c.Flush(ctx, files[0]); err == nil || !strings.Contains(err.Error(), "absolute path") {
					t.Errorf("absolute name over TCP: %v", err)
				}
			}
		})
	}
}

func TestDialErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := rrdcached.Dial(ctx, "unix:"+filepath.Join(t.TempDir(), "none.sock")); err == nil || !strings.Contains(err.Error(), "none.sock") {
		t.Errorf("dial to a missing socket: %v", err)
	}
	t.Setenv("RRDCACHED_ADDRESS", "unix:/x")
	if rrdcached.Address("") != "unix:/x" || rrdcached.Address("h:1") != "h:1" {
		t.Error("Address does not prefer the flag over RRDCACHED_ADDRESS")
	}
}

// A daemon that accepts and never answers ends a flush in an error naming
// it after one ExchangeTimeout (a retry would wait as long again); one
// that nobody listens for, after the retries: never a hang.
func TestFlushBoundedWaits(t *testing.T) {
	oldX, oldB := rrdcached.ExchangeTimeout, rrdcached.FlushBackoff
	rrdcached.ExchangeTimeout, rrdcached.FlushBackoff = 200*time.Millisecond, 10*time.Millisecond
	defer func() { rrdcached.ExchangeTimeout, rrdcached.FlushBackoff = oldX, oldB }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted++
			defer c.Close() // held open, never answered
		}
	}()
	start := time.Now()
	err = rrdcached.FlushFiles(context.Background(), ln.Addr().String(), "a.rrd")
	d := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("silent daemon: %v", err)
	}
	if d > 2*rrdcached.ExchangeTimeout || d < rrdcached.ExchangeTimeout {
		t.Errorf("silent daemon: the flush ended after %v (%d connections), want one ExchangeTimeout (no retry)", d, accepted)
	}
	// nobody listening: refused at once, retried, then the error
	addr := ln.Addr().String()
	ln.Close()
	if err := rrdcached.FlushFiles(context.Background(), addr, "a.rrd"); err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("refused: %v", err)
	}
}
