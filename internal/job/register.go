package job

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/state"
)

// InitResult is what billrun register init did: the register's identity,
// whether it was created now, and, for a fresh start forced over another
// register, where the old one was kept and the issued files it leaves
// that the new register does not name.
type InitResult struct {
	Identity state.Identity
	Created  bool
	Kept     string
	Orphaned []string
}

// InitRegister creates the config's register when there is none (an
// existing one is only reported), under the state directory's lock. With
// forceNew it starts a new register even beside issued documents: the
// old register, when there is one, is kept aside (state.ForceNew), and
// every issued file is listed as orphaned.
func InitRegister(ctx context.Context, cfg *config.Config, forceNew bool, now time.Time) (*InitResult, error) {
	stateDir, issuedDir := StateDir(cfg, cfg.OutDir), IssuedDir(cfg)
	lock, err := state.Acquire(ctx, stateDir, false)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	res := &InitResult{}
	if forceNew {
		if res.Kept, res.Identity, err = state.ForceNew(ctx, stateDir, issuedDir, now); err != nil {
			return nil, err
		}
		res.Created = true
		for _, p := range unnamedFiles(issuedDir, nil) {
			res.Orphaned = append(res.Orphaned, strings.TrimSuffix(p, ": no document of the register names it"))
		}
		return res, nil
	}
	existed := size(filepath.Join(stateDir, state.RegisterFile)) > 0
	reg, err := state.OpenFor(ctx, stateDir, issuedDir)
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	res.Created = !existed
	res.Identity, err = reg.Identity(ctx)
	return res, err
}

// Backup writes a consistent copy of the config's register to path
// (state.Register.Backup), holding the state directory's lock shared so
// that no run or issue writes meanwhile: it waits for one at most wait.
// The copy is checked (integrity and chain) before it is put in place.
func Backup(ctx context.Context, cfg *config.Config, path string, wait time.Duration) (state.Identity, state.ChainReport, error) {
	var id state.Identity
	stateDir := StateDir(cfg, cfg.OutDir)
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	lock, err := state.AcquireShared(lctx, stateDir)
	if err != nil {
		return id, state.ChainReport{}, err
	}
	defer lock.Release()
	reg, err := state.OpenFor(ctx, stateDir, IssuedDir(cfg))
	if err != nil {
		return id, state.ChainReport{}, err
	}
	defer reg.Close()
	if err := reg.Check(ctx, false); err != nil {
		return id, state.ChainReport{}, err
	}
	if id, err = reg.Identity(ctx); err != nil {
		return id, state.ChainReport{}, err
	}
	rep, err := reg.Backup(ctx, path)
	if err != nil {
		return id, rep, fmt.Errorf("backup of %s: %w", reg.Path(), err)
	}
	return id, rep, nil
}
