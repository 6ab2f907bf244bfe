// Package schedules runs the monthly billing as a service: a cron
// schedule wakes the daemon, a ledger in the state directory makes sure
// every period is billed exactly once, and an advisory lock makes sure
// only one run works on a state directory at a time.
//
// Cron only wakes: robfig/cron keeps no state, has no catch-up, and skips
// a firing that falls into a DST spring-forward gap. On start and at every
// firing the scheduler bills every complete period after the last one in
// the ledger, oldest first, at most Lookback periods back; a period in the
// ledger is never billed again. So a machine that was down on the 1st, or a
// firing lost to a DST gap, is caught up at the next start or firing.
//
// Transient failures (rrdcached unreachable, a file missing while it is
// being replaced) are retried with exponential backoff, then reported; the
// period stays out of the ledger and the next firing tries again.
// Cancellation (SIGTERM/SIGINT) stops after the current file: the billing
// run's atomic writes leave no partial output and the ledger untouched.
package schedules
