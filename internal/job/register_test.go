package job

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/state"
)

// An issue with the clock set back before the register's latest issue
// date is refused, naming both dates; the draft stays waiting and no
// number is given.
func TestIssueRefusesClockSetBack(t *testing.T) {
	o, _ := setupDrafted(t)
	ctx := context.Background()
	io := issueOpts(o)
	io.Customers = []string{"A"}
	io.Now = func() time.Time { return time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC) }
	if _, err := Issue(ctx, io); err != nil {
		t.Fatal(err)
	}
	io.Customers = []string{"B"}
	io.Now = func() time.Time { return time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC) }
	var de *state.DateError
	if _, err := Issue(ctx, io); !errors.As(err, &de) || !strings.Contains(err.Error(), "2026-12-05, before 2026-12-10, the issue date of INV-2026-00001") {
		t.Fatalf("issue with the clock set back: %v", err)
	}
	io.Now = func() time.Time { return time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC) }
	res, err := Issue(ctx, io)
	if err != nil || numbers(res.Issued) != "INV-2026-00002" {
		t.Fatalf("with the clock right again: %s %v", numbers(res.Issued), err)
	}
}

// A register with random bytes over a page is refused by issue, before
// a number is given, and by verify, naming the file.
func TestDamagedRegisterRefused(t *testing.T) {
	o, out := setupDrafted(t)
	ctx := context.Background()
	io := issueOpts(o)
	io.Customers = []string{"A"}
	if _, err := Issue(ctx, io); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(StateDir(o.Config, out), state.RegisterFile)
	b, _ := os.ReadFile(path)
	if len(b) < 3*4096 {
		t.Fatalf("a register of %d bytes", len(b))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 4096; i < 2*4096; i++ {
		b[i] = byte(rng.IntN(256))
	}
	os.WriteFile(path, b, 0o644)
	io.Customers = []string{"B"}
	if _, err := Issue(ctx, io); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("issue from a damaged register: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "issued", "2026-10")); len(ents) != 4 { // A's PDF, JSON, the workbook, the manifest
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("issued files after the refusal: %v", names)
	}
	for _, full := range []bool{false, true} {
		if _, err := Verify(ctx, VerifyOptions{Config: o.Config, Full: full}); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("verify (full %v) of a damaged register: %v", full, err)
		}
	}
}

// What a kill or a full disk leaves in the state directory, a period's
// drafts and issued/ is gone after the next command that writes there.
func TestNoTemporaryFileOutlivesTheNextCommand(t *testing.T) {
	o, out := setupDrafted(t)
	ctx := context.Background()
	io := issueOpts(o)
	io.Customers = []string{"A"}
	if _, err := Issue(ctx, io); err != nil {
		t.Fatal(err)
	}
	issued := filepath.Join(out, "issued", "2026-10")
	left := []string{
		filepath.Join(issued, ".manifest.json.tmp123456"), // a kill in the manifest's write
		filepath.Join(issued, ".INV-2026-00002.pdf.tmp"),  // a full disk in a document's
		filepath.Join(out, "issued", ".register-id.tmp99"),
		filepath.Join(StateDir(o.Config, out), ".something.tmp42"),
	}
	for _, f := range left {
		if err := os.WriteFile(f, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(out, ".2026-10.tmp-777"), 0o755); err != nil {
		t.Fatal(err)
	}
	io.Customers = []string{"B"}
	if _, err := Issue(ctx, io); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(left, filepath.Join(out, ".2026-10.tmp-777")) {
		if _, err := os.Lstat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s outlived the next command: %v", f, err)
		}
	}
}

// verify waits for an issue that holds the state directory rather than
// read documents being written, and gives up after its bound with
// ErrLocked; a backup waits too, and is taken after the issue, so it
// verifies against issued/.
func TestVerifyAndBackupWaitForIssue(t *testing.T) {
	defer func() { fault = func(string) error { return nil } }()
	o, out := setupDrafted(t)
	ctx := context.Background()
	inside, release := make(chan struct{}), make(chan struct{})
	fault = func(step string) error {
		if step == "allocated" {
			fault = func(string) error { return nil }
			close(inside)
			<-release // the issue holds the lock, one document issuing
		}
		return nil
	}
	issued := make(chan error, 1)
	go func() { _, err := Issue(ctx, issueOpts(o)); issued <- err }()
	<-inside
	if _, err := Verify(ctx, VerifyOptions{Config: o.Config, LockWait: 300 * time.Millisecond}); !errors.Is(err, state.ErrLocked) {
		t.Errorf("verify during an issue: %v", err)
	}
	backup := filepath.Join(t.TempDir(), "register-backup.db")
	backedUp := make(chan error, 1)
	go func() { _, _, err := Backup(ctx, o.Config, backup, time.Minute); backedUp <- err }()
	time.Sleep(300 * time.Millisecond)
	close(release)
	if err := <-issued; err != nil {
		t.Fatal(err)
	}
	if err := <-backedUp; err != nil {
		t.Fatal(err)
	}
	res, err := Verify(ctx, VerifyOptions{Config: o.Config, Register: backup})
	if err != nil || len(res.Problems) != 0 || res.Chain.Head.Index != 2 || len(res.Issuing) != 0 {
		t.Errorf("the backup against issued/: %+v %v", res, err)
	}
	_ = out
}

// Rows of the register changed with SQL after issue — an amount updated,
// the last document deleted (its files stay), a JSON file rewritten with
// its digest changed in the register to match — are each found by
// verify, naming the number.
func TestVerifyFindsTamperedRows(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB, docs []state.Document)
		want   []string
	}{
		{"amount", func(t *testing.T, db *sql.DB, docs []state.Document) {
			sqlExec(t, db, "UPDATE documents SET total = '0.01' WHERE number = ?", docs[0].Number)
		}, []string{"INV-2026-00001: its register row is not what was issued"}},
		{"delete last", func(t *testing.T, db *sql.DB, docs []state.Document) {
			sqlExec(t, db, "DELETE FROM documents WHERE number = ?", docs[1].Number)
		}, []string{"the register's chain ends at 1 document(s)", "INV-2026-00002.pdf: no document of the register names it",
			"INV-2026-00002.json: no document of the register names it", "billing-2026-10.xlsx is not the workbook", "manifest.json is not the manifest"}},
		{"forged digest", func(t *testing.T, db *sql.DB, docs []state.Document) {
			forged := []byte(`{"total": "0.01"}`)
			os.Chmod(docs[0].JSONPath, 0o644)
			os.WriteFile(docs[0].JSONPath, forged, 0o444)
			sum := sha256.Sum256(forged)
			sqlExec(t, db, "UPDATE documents SET json_sha256 = ? WHERE number = ?", hex.EncodeToString(sum[:]), docs[0].Number)
		}, []string{"INV-2026-00001: its register row is not what was issued", "manifest.json is not the manifest"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, out := setupDrafted(t)
			ctx := context.Background()
			res, err := Issue(ctx, issueOpts(o))
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verify(ctx, VerifyOptions{Config: o.Config})
			if err != nil || len(v.Problems) != 0 {
				t.Fatalf("before: %v %v", v.Problems, err)
			}
			db, err := sql.Open("sqlite", filepath.Join(StateDir(o.Config, out), state.RegisterFile))
			if err != nil {
				t.Fatal(err)
			}
			c.tamper(t, db, res.Issued)
			db.Close()
			v, err = Verify(ctx, VerifyOptions{Config: o.Config})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(v.Problems, "\n")
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("verify does not say %q; it says:\n%s", w, got)
				}
			}
			if len(v.Problems) != len(c.want) {
				t.Errorf("%d problems, want %d:\n%s", len(v.Problems), len(c.want), got)
			}
		})
	}
}

func sqlExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// A state directory whose path has '#', '?', '%' and a space holds the
// register, for a run and an issue, and nothing is written beside it.
func TestRunAndIssueWithAnyStateDir(t *testing.T) {
	o, out := setup(t, "")
	o.Now = issueDay
	parent := filepath.Join(out, "srv")
	o.Config.StateDir = filepath.Join(parent, "b#eu?x=%41 y", "state")
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := Issue(ctx, issueOpts(o)); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(o.Config.StateDir, state.RegisterFile)); err != nil || st.Size() == 0 {
		t.Fatalf("the register is not in the state directory: %v", err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 || ents[0].Name() != "b#eu?x=%41 y" {
		t.Errorf("beside the state directory: %v", ents)
	}
	if v, err := Verify(ctx, VerifyOptions{Config: o.Config}); err != nil || len(v.Problems) != 0 || v.Chain.Head.Index != 2 {
		t.Errorf("verify: %+v %v", v, err)
	}
}

// With number_restart: yearly, the 2026 series is closed once 2027 has a
// number: an issue dated 2026 after it is refused.
func TestYearlySeriesClosed(t *testing.T) {
	o, _ := setup(t, "invoice: {number_format: \"R{year}-{seq:03}\", number_restart: yearly}\n")
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	io := issueOpts(o)
	io.Customers = []string{"A"}
	io.Now = func() time.Time { return time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC) }
	if res, err := Issue(ctx, io); err != nil || numbers(res.Issued) != "R2027-001" {
		t.Fatalf("2027: %v", err)
	}
	io.Customers = []string{"B"}
	io.Now = func() time.Time { return time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC) }
	var de *state.DateError
	if _, err := Issue(ctx, io); !errors.As(err, &de) {
		t.Errorf("a 2026 number after 2027's: %v", err)
	}
}

// setupDrafted is setup's fixture with its period drafted, the clock at
// issueDay.
func setupDrafted(t *testing.T) (Options, string) {
	t.Helper()
	o, out := setup(t, "")
	o.Now = issueDay
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o, out
}
