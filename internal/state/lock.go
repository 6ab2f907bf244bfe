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
	fl   *flock.Flock
	path string
}

// Acquire takes stateDir's lock. With wait it polls until the lock is free
// or ctx is done; without, a held lock is ErrLocked naming the holder.
func Acquire(ctx context.Context, stateDir string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, LockFile)
	fl := flock.New(path)
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			// The holder is written for the next starter's message; the
			// lock is on the open file, not its content.
			os.WriteFile(path+".holder", []byte(fmt.Sprintf("pid %d: %s\n", os.Getpid(), strings.Join(os.Args, " "))), 0o644)
			return &Lock{fl: fl, path: path}, nil
		}
		if !wait {
			holder, _ := os.ReadFile(path + ".holder")
			return nil, fmt.Errorf("%s (%s): %w", path, strings.TrimSpace(string(holder)), ErrLocked)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Release frees the lock.
func (l *Lock) Release() error {
	os.Remove(l.path + ".holder")
	return l.fl.Unlock()
}
