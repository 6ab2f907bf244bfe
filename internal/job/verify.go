package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/state"
	"golang.org/x/sys/unix"
)

// VerifyOptions say what billrun verify checks.
type VerifyOptions struct {
	Config *config.Config
	// Full runs SQLite's integrity_check rather than quick_check.
	Full bool
	// Restore renders each missing or damaged issued file again from the
	// register and puts it back when it has the register's digest.
	Restore bool
	// Register, when set, is a copy of the register (a backup) to check
	// against the issued documents instead of the state directory's.
	Register string
	// LockWait bounds the wait for a run or an issue to finish (0: 10
	// minutes).
	LockWait time.Duration
	Now      func() time.Time
}

// VerifyResult is what billrun verify found: the problems, one sentence
// each naming the document or file; the documents still being issued;
// the files put back; and the chain's head.
type VerifyResult struct {
	Identity  state.Identity
	Chain     state.ChainReport
	Documents int
	Problems  []string
	Issuing   []string
	Restored  []string
}

// Verify checks the register and the issued documents against each
// other, under the state directory's lock (shared; exclusive to restore),
// so that nothing being written is misread: the register's health
// (quick_check or integrity_check), its identity against issued/'s, its
// chain, every issued file's digest, each period's manifest, and any
// file under issued/ that no document names.
func Verify(ctx context.Context, o VerifyOptions) (*VerifyResult, error) {
	cfg := o.Config
	stateDir, issuedDir := StateDir(cfg, cfg.OutDir), IssuedDir(cfg)
	release, err := verifyLock(ctx, stateDir, o)
	if err != nil {
		return nil, err
	}
	defer release()
	var reg *state.Register
	if o.Register != "" {
		reg, err = state.OpenCopy(ctx, o.Register)
	} else {
		reg, err = state.OpenFor(ctx, stateDir, issuedDir)
	}
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	if err := reg.Check(ctx, o.Full); err != nil {
		return nil, err
	}
	res := &VerifyResult{}
	if res.Identity, err = reg.Identity(ctx); err != nil {
		return nil, err
	}
	if id, ok, err := state.ReadIdentityFile(issuedDir); err != nil {
		res.Problems = append(res.Problems, err.Error())
	} else if ok && id.ID != res.Identity.ID {
		res.Problems = append(res.Problems, fmt.Sprintf("%s names register %s, not %s", filepath.Join(issuedDir, state.IdentityFile), id, res.Identity))
	}
	if res.Chain, err = reg.CheckChain(ctx); err != nil {
		return nil, err
	}
	res.Problems = append(res.Problems, res.Chain.Problems...)
	docs, err := reg.Documents(ctx, state.DocumentFilter{})
	if err != nil {
		return nil, err
	}
	res.Documents = len(docs)
	if err := checkFiles(ctx, cfg, o, docs, res); err != nil {
		return nil, err
	}
	if err := checkManifests(docs, issuedDir, cfg.Location(), o.Restore, res); err != nil {
		return nil, err
	}
	res.Problems = append(res.Problems, unnamedFiles(issuedDir, docs)...)
	sent, err := reg.Deliveries(ctx, state.DeliveryFilter{Status: state.DeliverySent}, true)
	if err != nil {
		return nil, err
	}
	res.Problems = append(res.Problems, checkSent(sent, docs)...)
	return res, nil
}

// checkSent checks that every attachment the delivery log says was sent
// is, by its SHA-256, the file the register issued: the proof of what
// was sent holds.
func checkSent(sent []state.Delivery, docs []state.Document) []string {
	digests := map[string]string{}
	for _, d := range docs {
		digests[filepath.Base(d.PDFPath)] = d.PDFSHA256
		if d.XMLPath != "" {
			digests[filepath.Base(d.XMLPath)] = d.XMLSHA256
		}
	}
	var problems []string
	for _, d := range sent {
		var files []attachmentHash
		if err := json.Unmarshal([]byte(d.Attachments), &files); err != nil || len(files) == 0 {
			problems = append(problems, fmt.Sprintf("delivery %d of %s to %s: sent, but its attachments are not recorded (%v)", d.ID, d.Number, d.Recipient, err))
			continue
		}
		for _, f := range files {
			if digests[f.Name] != f.SHA256 {
				problems = append(problems, fmt.Sprintf("delivery %d of %s to %s: %s was sent with SHA-256 %s, the register issued %q", d.ID, d.Number, d.Recipient, f.Name, f.SHA256, digests[f.Name]))
			}
		}
	}
	return problems
}

// verifyLock takes the state directory's lock for verify: shared, and
// exclusive to restore, which writes; waiting at most o.LockWait.
func verifyLock(ctx context.Context, stateDir string, o VerifyOptions) (func(), error) {
	wait := o.LockWait
	if wait == 0 {
		wait = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	acquire := state.AcquireShared
	if o.Restore {
		acquire = func(ctx context.Context, dir string) (*state.Lock, error) { return state.Acquire(ctx, dir, true) }
	}
	lock, err := acquire(ctx, stateDir)
	if err != nil {
		return nil, err
	}
	return func() { lock.Release() }, nil
}

// checkFiles checks every issued document's files against the digests
// the register holds and, with o.Restore, puts back the ones that differ.
func checkFiles(ctx context.Context, cfg *config.Config, o VerifyOptions, docs []state.Document, res *VerifyResult) error {
	var fonts *document.Fonts
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.Status != "issued" {
			res.Issuing = append(res.Issuing, d.Number)
			continue
		}
		var bad []fileDigest
		for _, f := range documentFiles(d) {
			if problem := f.check(); problem != "" {
				bad = append(bad, f)
				if !o.Restore {
					res.Problems = append(res.Problems, fmt.Sprintf("%s: %s", d.Number, problem))
				}
			}
		}
		if len(bad) == 0 || !o.Restore {
			continue
		}
		if fonts == nil {
			var err error
			if fonts, err = readFonts(cfg); err != nil {
				return err
			}
		}
		restored, problems := restore(d, bad, fonts, StateDir(cfg, cfg.OutDir), o.now())
		res.Restored = append(res.Restored, restored...)
		res.Problems = append(res.Problems, problems...)
	}
	return nil
}

func (o VerifyOptions) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// fileDigest is an issued file and the SHA-256 the register holds of it.
type fileDigest struct{ path, sha256 string }

// documentFiles are an issued document's files with their digests.
func documentFiles(d state.Document) []fileDigest {
	files := []fileDigest{{d.PDFPath, d.PDFSHA256}, {d.JSONPath, d.JSONSHA256}}
	if d.XMLPath != "" {
		files = append(files, fileDigest{d.XMLPath, d.XMLSHA256})
	}
	return files
}

// check says what is wrong with the file ("" when it is as issued).
func (f fileDigest) check() string {
	b, err := inputfile.ReadFile(f.path, 1<<30)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%s is missing (billrun verify --restore puts it back)", f.path)
	}
	if err != nil {
		return err.Error()
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.sha256 {
		return fmt.Sprintf("%s does not have the digest the register holds (sha256 %s)", f.path, f.sha256)
	}
	return ""
}

// checkManifests compares each period's issued workbook and manifest with
// the ones the register's documents docs give and, with restore, writes
// them again.
func checkManifests(docs []state.Document, issuedDir string, loc *time.Location, restore bool, res *VerifyResult) error {
	byPeriod := map[string][]state.Document{} // in number order, as docs are
	periods := map[string]bool{}
	for _, d := range docs {
		if d.Status == "issued" {
			byPeriod[d.Period] = append(byPeriod[d.Period], d)
			periods[d.Period] = true
		}
	}
	ents, _ := os.ReadDir(issuedDir)
	for _, e := range ents {
		if e.IsDir() {
			periods[e.Name()] = true
		}
	}
	for _, p := range slices.Sorted(maps.Keys(periods)) {
		path := filepath.Join(issuedDir, p, IssuedManifestName)
		var want []byte
		if len(byPeriod[p]) > 0 {
			wb, err := checkWorkbook(filepath.Join(issuedDir, p), p, loc, byPeriod[p], restore, res)
			if err != nil {
				return err
			}
			if want, err = issuedManifest(p, byPeriod[p], wb); err != nil {
				return err
			}
		}
		have, err := inputfile.ReadFile(path, 256<<20)
		if errors.Is(err, fs.ErrNotExist) && want == nil {
			continue
		}
		if err == nil && bytes.Equal(have, want) {
			continue
		}
		if restore && want != nil {
			if err := atomicfile.WriteFile(path, want); err != nil {
				return err
			}
			res.Restored = append(res.Restored, path)
			continue
		}
		res.Problems = append(res.Problems, fmt.Sprintf("%s is not the manifest of the register's documents of %s", path, p))
	}
	return nil
}

// checkWorkbook compares period label's issued workbook in dir with the
// one its documents docs give and, with restore, writes it again; it
// returns the workbook's name and digest for the manifest.
func checkWorkbook(dir, label string, loc *time.Location, docs []state.Document, restore bool, res *VerifyResult) (Output, error) {
	want, err := issuedWorkbook(label, loc, docs)
	if err != nil {
		return Output{}, err
	}
	path := filepath.Join(dir, IssuedWorkbookName(label))
	have, err := inputfile.ReadFile(path, int64(len(want))+1)
	switch {
	case err == nil && bytes.Equal(have, want):
	case restore:
		if err := atomicfile.WriteFileMode(path, want, 0o444); err != nil {
			return Output{}, err
		}
		res.Restored = append(res.Restored, path)
	default:
		res.Problems = append(res.Problems, fmt.Sprintf("%s is not the workbook of the register's documents of %s", path, label))
	}
	return workbookOutput(label, want), nil
}

// unnamedFiles are the files under issuedDir that no document of the
// register names, other than the manifests, the register's identity and
// the temporary files of an interrupted issue (which the next removes).
func unnamedFiles(issuedDir string, docs []state.Document) []string {
	named := map[string]bool{}
	for _, d := range docs {
		for _, f := range documentFiles(d) {
			named[filepath.Clean(f.path)] = true
		}
	}
	var out []string
	filepath.WalkDir(issuedDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		name := e.Name()
		switch {
		case named[filepath.Clean(path)],
			filepath.Dir(path) == filepath.Clean(issuedDir) && name == state.IdentityFile,
			name == IssuedManifestName,
			name == IssuedWorkbookName(filepath.Base(filepath.Dir(path))),
			strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp"):
			return nil
		}
		out = append(out, fmt.Sprintf("%s: no document of the register names it", path))
		return nil
	})
	return out
}

// restore renders document d again from the register's data and puts
// back each file of bad whose rendering has the digest the register holds;
// a damaged file is first moved to STATE/damaged/<period>/. It returns
// the files put back and a problem for each it could not.
func restore(d state.Document, bad []fileDigest, fonts *document.Fonts, stateDir string, now time.Time) (restored, problems []string) {
	files, err := render(d, fonts)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: cannot render it again: %v", d.Number, err)}
	}
	for _, f := range bad {
		i := slices.IndexFunc(files, func(r issuedFile) bool { return r.path == f.path })
		if i < 0 {
			continue
		}
		sum := sha256.Sum256(files[i].data)
		if got := hex.EncodeToString(sum[:]); got != f.sha256 {
			problems = append(problems, fmt.Sprintf("%s: %s rendered again has sha256 %s, not the register's %s (another invoice.font or billrun version?): left as it is", d.Number, f.path, got, f.sha256))
			continue
		}
		if err := putBack(f.path, files[i].data, filepath.Join(stateDir, "damaged", d.Period), now); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", d.Number, err))
			continue
		}
		restored = append(restored, f.path)
	}
	return restored, problems
}

// putBack writes an issued file again, read-only: a file in its place
// (damaged) is first moved into damagedDir, kept for whoever looks into
// what happened, then the file is published without replacing anything.
func putBack(path string, data []byte, damagedDir string, now time.Time) error {
	if _, err := os.Lstat(path); err == nil {
		if err := os.MkdirAll(damagedDir, 0o755); err != nil {
			return err
		}
		aside := filepath.Join(damagedDir, filepath.Base(path)+"."+now.UTC().Format("20060102T150405Z"))
		if err := unix.Renameat2(unix.AT_FDCWD, path, unix.AT_FDCWD, aside, unix.RENAME_NOREPLACE); err != nil {
			return fmt.Errorf("move the damaged %s to %s: %w", path, aside, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if _, err := writeIssued(path, data); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
