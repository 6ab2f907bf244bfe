package state

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The first Open of a state directory with the JSON state of before the
// register imports every period and every number, and the sequence goes on
// after them; a second Open imports nothing again.
func TestRegisterImportsJSONState(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ledger.json"), []byte(`{"periods": [
		{"period": "2026-09", "start": "2026-09-01T00:00:00Z", "end": "2026-10-01T00:00:00Z", "completed_at": "2026-10-01T03:00:05Z", "manifest_digest": "sha256:aa", "duration_seconds": 5.5},
		{"period": "2026-10", "start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z", "completed_at": "2026-11-01T03:00:04Z", "manifest_digest": "sha256:bb", "duration_seconds": 4}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "invoice-numbers.json"), []byte(`{"next": 4, "issued": {"2026-09": {"A": "INV-2026-00001", "B": "INV-2026-00002"}, "2026-10": {"A": "INV-2026-00003"}}}`), 0o644)
	ctx := context.Background()
	for range 2 {
		r, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		es, err := r.Periods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Entry{
			{Period: "2026-09", Start: "2026-09-01T00:00:00Z", End: "2026-10-01T00:00:00Z", CompletedAt: "2026-10-01T03:00:05Z", ManifestDigest: "sha256:aa", DurationSeconds: 5.5},
			{Period: "2026-10", Start: "2026-10-01T00:00:00Z", End: "2026-11-01T00:00:00Z", CompletedAt: "2026-11-01T03:00:04Z", ManifestDigest: "sha256:bb", DurationSeconds: 4},
		}
		if !reflect.DeepEqual(es, want) {
			t.Errorf("periods %+v", es)
		}
		var next, n int
		r.db.QueryRow("SELECT next FROM sequences WHERE name = ?", LegacySequence).Scan(&next)
		r.db.QueryRow("SELECT count(*) FROM legacy_numbers").Scan(&n)
		if next != 4 || n != 3 {
			t.Errorf("sequence next %d, %d legacy numbers", next, n)
		}
		r.Close()
	}
}

// A register that is not a database, or of a newer schema, is an error
// naming the file, not a silent fresh start.
func TestRegisterRefusesWhatItCannotRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, RegisterFile), []byte(strings.Repeat("not a database ", 100)), 0o644)
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, RegisterFile)) {
		t.Errorf("corrupt register: %v", err)
	}
	dir = t.TempDir()
	r, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	r.db.Exec("PRAGMA user_version = 99")
	r.Close()
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer schema: %v", err)
	}
	dir = t.TempDir()
	os.Mkdir(filepath.Join(dir, RegisterFile), 0o755)
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory for the register: %v", err)
	}
}
