package job

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/report"
	"github.com/billrun/billrun/rrdfetch"
)

// SilentError is an rrdcached that did not answer within the run's bound
// (rrdcached_timeout).
type SilentError struct {
	Daemon  string
	Timeout time.Duration
	Err     error
}

func (e *SilentError) Error() string {
	return fmt.Sprintf("rrdcached %s did not answer within rrdcached_timeout (%s): %v", e.Daemon, e.Timeout, e.Err)
}

func (e *SilentError) Unwrap() error { return e.Err }

// daemonTraffic is a run's traffic with rrdcached: its FLUSH, and the
// INFO and FETCH of files on other hosts. Each waits at most timeout, and
// the first that is not answered in time ends all of it, so a silent
// daemon costs a run one timeout however many files and retries are
// left (rather than a wait per file or per retry).
type daemonTraffic struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
}

func newDaemonTraffic(ctx context.Context, timeout time.Duration) *daemonTraffic {
	ctx, cancel := context.WithCancelCause(ctx)
	return &daemonTraffic{ctx: ctx, cancel: cancel, timeout: timeout}
}

// flush flushes files through the rrdcached at addr (rrdcached.FlushFiles),
// retries included, within one timeout.
func (t *daemonTraffic) flush(addr string, files []string) error {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	err := rrdcached.FlushFiles(ctx, addr, files...)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return t.silent(rrdcached.Address(addr), err)
	}
	if err != nil {
		return t.check(rrdcached.Address(addr), err)
	}
	return nil
}

// open opens a source's rows, a remote file's within one timeout: it is
// the report.Opener of the run.
func (t *daemonTraffic) open(s report.Source) (report.Rows, error) {
	if s.Daemon == "" {
		return rrdfetch.Open(s.File)
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.silent(s.Daemon, ctx.Err())
		}
	})
	f, err := rrdcached.OpenRemote(ctx, s.Daemon, s.File)
	if err != nil {
		stop()
		cancel()
		return nil, t.check(s.Daemon, err)
	}
	return remoteRows{f, t, s.Daemon, func() { stop(); cancel() }}, nil
}

// check ends the run's daemon traffic when err is a wait that ran out (the
// connection's deadline can pass an instant before its context's).
func (t *daemonTraffic) check(daemon string, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return t.silent(daemon, err)
	}
	return err
}

// silent ends the run's daemon traffic, naming the daemon.
func (t *daemonTraffic) silent(daemon string, err error) error {
	e := &SilentError{Daemon: daemon, Timeout: t.timeout, Err: err}
	t.cancel(e)
	return e
}

// err is the SilentError that ended the traffic, or nil.
func (t *daemonTraffic) err() error {
	var e *SilentError
	if errors.As(context.Cause(t.ctx), &e) {
		return e
	}
	return nil
}

// remoteRows is a remote file whose reads are watched for silence and
// which frees its bound when closed.
type remoteRows struct {
	*rrdcached.RemoteFile
	traffic *daemonTraffic
	daemon  string
	done    func()
}

func (r remoteRows) ReadRRAInto(i int, start, end int64, buf []float64) (*rrdfetch.Data, error) {
	d, err := r.RemoteFile.ReadRRAInto(i, start, end, buf)
	if err != nil {
		return nil, r.traffic.check(r.daemon, err)
	}
	return d, nil
}

func (r remoteRows) Close() error {
	defer r.done()
	return r.RemoteFile.Close()
}

// OpenSource opens a source's rows: through its host's rrdcached when it
// names one (waiting at most config.DefaultRRDCachedTimeout), else the
// local file. It is the report.Opener of the commands that are not runs.
func OpenSource(s report.Source) (report.Rows, error) {
	return newDaemonTraffic(context.Background(), config.DefaultRRDCachedTimeout).open(s)
}
