package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/billrun/billrun/internal/atomicfile"
	"golang.org/x/sys/unix"
)

// DamagedError is a register SQLite finds damaged.
type DamagedError struct {
	Path, Check, Found string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("register %s is damaged (%s: %s): nothing is issued from it; restore it from its backup (docs/operations.md)", e.Path, e.Check, e.Found)
}

// Check runs SQLite's quick_check (integrity_check with full, which also
// compares every index with its table) and returns a *DamagedError
// unless it says ok.
func (r *Register) Check(ctx context.Context, full bool) error {
	check := "quick_check"
	if full {
		check = "integrity_check"
	}
	rows, err := r.db.QueryContext(ctx, "PRAGMA "+check)
	if err != nil {
		return &DamagedError{Path: r.path, Check: check, Found: err.Error()}
	}
	defer rows.Close()
	var found []string
	for rows.Next() && len(found) < 5 {
		var s string
		if err := rows.Scan(&s); err != nil {
			return &DamagedError{Path: r.path, Check: check, Found: err.Error()}
		}
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		found = append(found, err.Error())
	}
	if len(found) == 1 && found[0] == "ok" {
		return nil
	}
	return &DamagedError{Path: r.path, Check: check, Found: strings.Join(found, "; ")}
}

// OpenCopy opens a register file read-only (a backup): it is checked, not
// migrated, so it must be of this billrun's schema.
func OpenCopy(ctx context.Context, path string) (*Register, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", path, err)
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, fmt.Errorf("register %s: not a register (an empty or irregular file)", path)
	}
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	r := &Register{db: db, path: path}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		db.Close()
		return nil, r.errf(err, "read the schema version (not a register?)")
	}
	if version != len(schema) {
		db.Close()
		return nil, fmt.Errorf("register %s: schema version %d, this billrun reads %d (restore it, and billrun migrates it)", path, version, len(schema))
	}
	return r, nil
}

// Backup writes a consistent copy of the register to path, a file that
// must not exist: VACUUM INTO a temporary file beside it, synced, checked
// (integrity_check and the chain), then renamed into place without
// replacing anything. The caller holds the state directory's lock, so
// the copy is of a register no billrun is writing.
func (r *Register) Backup(ctx context.Context, path string) (ChainReport, error) {
	var rep ChainReport
	if _, err := os.Lstat(path); err == nil {
		return rep, fmt.Errorf("backup %s exists: a backup is never overwritten", path)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	os.Remove(tmp) // a killed backup's
	defer os.Remove(tmp)
	if _, err := r.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return rep, r.errf(err, "back up to "+tmp)
	}
	if err := syncFile(tmp); err != nil {
		return rep, err
	}
	c, err := OpenCopy(ctx, tmp)
	if err != nil {
		return rep, err
	}
	if err := c.Check(ctx, true); err != nil {
		c.Close()
		return rep, err
	}
	rep, err = c.CheckChain(ctx)
	c.Close()
	if err != nil {
		return rep, err
	}
	if len(rep.Problems) > 0 {
		return rep, fmt.Errorf("the register's chain does not hold (%s): billrun verify says more", rep.Problems[0])
	}
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_NOREPLACE); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return rep, fmt.Errorf("backup %s exists: a backup is never overwritten", path)
		}
		return rep, fmt.Errorf("backup %s: %w", path, err)
	}
	return rep, atomicfile.SyncDir(filepath.Dir(path))
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
