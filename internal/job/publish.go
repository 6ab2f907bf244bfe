package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/billrun/billrun/internal/atomicfile"
	"golang.org/x/sys/unix"
)

// publish puts the finished directory tmp in place as final in one step:
// a rename when final does not exist, else an atomic exchange of the two
// (renameat2 RENAME_EXCHANGE), after which tmp holds the old run and is
// removed. final is at every instant either absent, the old complete run
// or the new one; a kill after the exchange leaves the old run under tmp's
// name, which the next run removes.
func publish(tmp, final string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, final, unix.RENAME_NOREPLACE)
	if err == nil {
		return atomicfile.SyncDir(filepath.Dir(final))
	}
	if errors.Is(err, unix.EEXIST) {
		err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, final, unix.RENAME_EXCHANGE)
	}
	if errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("publish %s: the file system cannot swap directories atomically (renameat2): %w", final, err)
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", final, &os.LinkError{Op: "renameat2", Old: tmp, New: final, Err: err})
	}
	if err := atomicfile.SyncDir(filepath.Dir(final)); err != nil {
		return err
	}
	if err := fault("swap"); err != nil {
		return err
	}
	if err := os.RemoveAll(tmp); err != nil { // the old run, now under tmp's name
		return err
	}
	return fault("removed")
}
