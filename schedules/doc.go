// Package schedules runs the monthly billing as a service: a cron
// schedule wakes the daemon, and the ledger in the state directory's
// register makes sure every period is drafted once. Each run (package job)
// takes the state directory's lock itself and records its period; a
// period another process drafted after Due looked is skipped (the RunFunc
// returns state.ErrBilled), and a busy state directory is tried again
// after BusyRetry. With Issue set,
// every catch-up ends by issuing the drafts that are due.
//
// Cron only wakes: robfig/cron keeps no state, has no catch-up, and skips
// a firing that falls into a DST spring-forward gap. On start and at every
// firing the scheduler drafts every complete period after the last one in
// the ledger, oldest first, at most Lookback periods back; a period in the
// ledger is never drafted again by it. So a machine that was down on the 1st, or a
// firing lost to a DST gap, is caught up at the next start or firing.
//
// Transient failures (rrdcached unreachable, a file missing while it is
// being replaced) are retried with exponential backoff, then reported; the
// period stays out of the ledger and the next firing tries again.
// Cancellation (SIGTERM/SIGINT) stops after the current file: the billing
// run's atomic writes leave no partial output and the ledger untouched.
package schedules
