package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/inputfile"
	"golang.org/x/sys/unix"
)

// IdentityFile is the register's identity as written beside the issued
// documents (OUT/issued/.register-id): a register that is not the one it
// names is refused, so a lost register is never silently replaced by a
// new one that gives the same numbers again.
const IdentityFile = ".register-id"

// Identity is who a register is: a random id and when it was created.
type Identity struct {
	ID        string `json:"register_id"`
	CreatedAt string `json:"created_at"`
}

func (id Identity) String() string { return fmt.Sprintf("%s (created %s)", id.ID, id.CreatedAt) }

// startIdentity gives a register being created or migrated its identity
// and, for one that issued documents before the chain, builds the chain
// over them.
func startIdentity(ctx context.Context, tx *sql.Tx, existing bool) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, "INSERT INTO register (one, id, created_at) VALUES (1, ?, ?)", hex.EncodeToString(b), now); err != nil {
		return err
	}
	if !existing {
		return nil
	}
	return buildChain(ctx, tx, now)
}

// Identity is the register's identity.
func (r *Register) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	err := r.db.QueryRowContext(ctx, "SELECT id, created_at FROM register").Scan(&id.ID, &id.CreatedAt)
	return id, r.errf(err, "read the register's identity")
}

// ReadIdentityFile reads issuedDir's IdentityFile; ok is false when there
// is none.
func ReadIdentityFile(issuedDir string) (id Identity, ok bool, err error) {
	path := filepath.Join(issuedDir, IdentityFile)
	b, err := inputfile.ReadFile(path, 4096)
	if errors.Is(err, fs.ErrNotExist) {
		return id, false, nil
	}
	if err != nil {
		return id, false, err
	}
	if err := json.Unmarshal(b, &id); err != nil || id.ID == "" {
		return id, false, fmt.Errorf("%s: not a register identity (%v)", path, err)
	}
	return id, true, nil
}

// WriteIdentityFile writes id as issuedDir's IdentityFile.
func WriteIdentityFile(issuedDir string, id Identity) error {
	if err := os.MkdirAll(issuedDir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(id, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(issuedDir, IdentityFile), append(b, '\n'))
}

// IdentityError is a register that is not the one the issued documents
// were issued from: missing, empty, or another.
type IdentityError struct {
	Register, IssuedDir string
	Problem             string // "is missing", "is empty", "is register X", …
	Want                *Identity
}

func (e *IdentityError) Error() string {
	want := "documents"
	if e.Want != nil {
		want = "documents issued from register " + e.Want.String()
	}
	return fmt.Sprintf("register %s %s, but %s holds %s: restore the register from its backup (docs/operations.md), "+
		"or start a new register on purpose with billrun register init --force-new", e.Register, e.Problem, e.IssuedDir, want)
}

// OpenFor opens stateDir's register as Open does, once it is known to be
// the register of the documents in issuedDir: where documents were issued
// (issuedDir names a register, or holds a period's files), a missing or
// empty register, another register, or one without documents is an
// *IdentityError, and no register is created. (A register named by
// issuedDir may hold no document: the name is written as its first issue
// starts.)
func OpenFor(ctx context.Context, stateDir, issuedDir string) (*Register, error) {
	want, named, err := ReadIdentityFile(issuedDir)
	if err != nil {
		return nil, err
	}
	issued := named || holdsIssued(issuedDir)
	path := filepath.Join(stateDir, RegisterFile)
	e := &IdentityError{Register: path, IssuedDir: issuedDir}
	if named {
		e.Want = &want
	}
	if issued {
		if st, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			e.Problem = "is missing"
			return nil, e
		} else if err == nil && st.Size() == 0 {
			e.Problem = "is empty"
			return nil, e
		}
	}
	r, err := Open(ctx, stateDir)
	if err != nil || !issued {
		return r, err
	}
	have, err := r.Identity(ctx)
	if err != nil {
		r.Close()
		return nil, err
	}
	var n int
	if err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM documents").Scan(&n); err != nil {
		r.Close()
		return nil, r.errf(err, "count documents")
	}
	switch {
	case named && have.ID != want.ID:
		e.Problem = "is register " + have.String()
	case !named && n == 0:
		e.Problem = fmt.Sprintf("(register %s) holds no document", have)
	default:
		return r, nil
	}
	r.Close()
	return nil, e
}

// holdsIssued reports whether issuedDir has a period directory with a
// file in it.
func holdsIssued(issuedDir string) bool {
	ents, _ := os.ReadDir(issuedDir)
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(issuedDir, e.Name()))
		for _, f := range files {
			if f.Type().IsRegular() {
				return true
			}
		}
	}
	return false
}

// ForceNew starts a new register in stateDir on purpose: an existing one
// is kept, renamed register.db.replaced-<UTC time>, which is returned
// (none: ""); the new register's identity is written to issuedDir when it
// exists. The caller holds the state directory's lock.
func ForceNew(ctx context.Context, stateDir, issuedDir string, now time.Time) (kept string, id Identity, err error) {
	path := filepath.Join(stateDir, RegisterFile)
	if _, err := os.Lstat(path); err == nil {
		kept = path + ".replaced-" + now.UTC().Format("20060102T150405Z")
		if err := unix.Renameat2(unix.AT_FDCWD, path, unix.AT_FDCWD, kept, unix.RENAME_NOREPLACE); err != nil {
			return "", id, fmt.Errorf("keep the old register as %s: %w", kept, err)
		}
		// a hot journal is the old register's: it goes with it, or SQLite
		// would apply it to the new one
		if err := os.Rename(path+"-journal", kept+"-journal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, id, err
		}
	}
	r, err := Open(ctx, stateDir)
	if err != nil {
		return kept, id, err
	}
	defer r.Close()
	if id, err = r.Identity(ctx); err != nil {
		return kept, id, err
	}
	if _, err := os.Stat(issuedDir); err == nil {
		err = WriteIdentityFile(issuedDir, id)
	}
	return kept, id, err
}

// EnsureIdentityFile writes id to issuedDir unless its IdentityFile names
// it already: the first issue of a register, or of one from before the
// file, writes it.
func EnsureIdentityFile(issuedDir string, id Identity) error {
	if have, ok, err := ReadIdentityFile(issuedDir); err == nil && ok && have.ID == id.ID {
		return nil
	}
	return WriteIdentityFile(issuedDir, id)
}
