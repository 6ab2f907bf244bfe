// Package timespec resolves rrdtool's time specifications (the AT-style
// language of rrd_parsetime) for `billrun fetch --start/--end/--resolution`,
// with rrdtool 1.7.2's results.
//
// Supported: epoch seconds; `now`; a bare offset ("-3600", "-1d": relative
// to now); `now±offset`, `end±offset`, `start±offset` (also `e`/`s`), with
// offsets chained ("end-1d-2h", and a bare number repeating the previous
// sign). Units as rrdtool spells them: s/sec/second(s), min/minute(s),
// h/hr/hour(s), d/day(s), w/wk/week(s), mon/month(s), y/yr/year(s), and "m",
// which rrdtool guesses: months after d/w/mon/y, minutes after s/min/h,
// otherwise months below 6 and minutes from 6 up. A number without a unit
// is seconds, and rrdtool's parser then takes the next token as that
// number's unit, so a sign right after it is swallowed: "now+17-7mon" is
// now plus 17 seconds plus 7 months. billrun reproduces that quirk, since
// the same arguments must select the same rows.
//
// Days, weeks, months and years are calendar arithmetic on the local
// wall clock (rrdtool adds to struct tm fields and calls mktime), so "end-1d"
// across a DST change is 23 or 25 hours; hours and smaller are plain seconds.
// Like glibc's mktime, a wall-clock time computed from a reference instant
// keeps that instant's DST flag; a `now`-based one lets the zone decide.
//
// Not supported (rrdtool accepts them, billrun refuses them clearly):
// dates and times of day such as "noon yesterday" or "20:00 20261001".
package timespec
