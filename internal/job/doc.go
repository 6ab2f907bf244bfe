// Package job is one billing job, the same whoever starts it (billrun
// run, catch-up or the daemon): take the state directory's lock, flush the
// files through rrdcached, compute usage and SLA, price the invoices,
// render every document into a hidden temporary directory, publish it as
// the period's directory in one step, and record the period in the
// ledger.
//
// Publishing is one rename: a new period directory is renamed into place,
// and one that replaces an earlier run (drafts are drafted again freely)
// is swapped with it atomically (renameat2 RENAME_EXCHANGE), so at every
// instant OUT/<period> is the old complete run or the new one.
// The files inside the temporary directory are written, then synced all
// at once with their directories (syncfs), then swapped; they need no
// rename of their own. A temporary directory left by a killed run is removed by the next.
//
// Determinism: outputs carry no wall-clock time (dates derive from the
// period), every list is sorted, so the same config, files and period give
// byte-identical files.
package job
