package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrBilled: the period is in the ledger already, and the caller asked to
// draft it only once (the scheduled runs).
var ErrBilled = errors.New("period already billed")

// ErrLocked: another run holds the state directory.
var ErrLocked = errors.New("another billrun run holds the state directory")

// LockFile is the lock's name in the state directory.
const LockFile = "billrun.lock"

// Lock is a held advisory lock on a state directory.
type Lock struct {
	fl     *flock.Flock
	path   string
	shared bool
}

// Acquire takes stateDir's lock. With wait it polls until the lock is free
// or ctx is done; without, a held lock is ErrLocked naming the holder.
func Acquire(ctx context.Context, stateDir string, wait bool) (*Lock, error) {
	return acquire(ctx, stateDir, wait, false)
}

// AcquireShared takes stateDir's lock shared: readers (billrun verify)
// hold it together, and never while a run or an issue writes. It waits
// for a writer until ctx is done.
func AcquireShared(ctx context.Context, stateDir string) (*Lock, error) {
	return acquire(ctx, stateDir, true, true)
}

func acquire(ctx context.Context, stateDir string, wait, shared bool) (*Lock, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, LockFile)
	fl := flock.New(path)
	try := fl.TryLock
	if shared {
		try = fl.TryRLock
	}
	for {
		ok, err := try()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok && shared {
			return &Lock{fl: fl, path: path, shared: true}, nil
		}
		if ok {
			// The holder is written for the next starter's message; the
			// lock is on the open file, not its content.
			os.WriteFile(path+".holder", []byte(fmt.Sprintf("pid %d: %s\n", os.Getpid(), strings.Join(os.Args, " "))), 0o644)
			return &Lock{fl: fl, path: path}, nil
		}
		holder, _ := os.ReadFile(path + ".holder")
		if !wait {
			return nil, fmt.Errorf("%s (%s): %w", path, strings.TrimSpace(string(holder)), ErrLocked)
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) { // a bounded wait: the lock is still held
				return nil, fmt.Errorf("%s (%s): %w (gave up waiting: %w)", path, strings.TrimSpace(string(holder)), ErrLocked, ctx.Err())
			}
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Release frees the lock.
func (l *Lock) Release() error {
	if !l.shared {
		os.Remove(l.path + ".holder")
	}
	return l.fl.Unlock()
}
