// Package timespec resolves rrdtool's time specifications (the AT-style
// language of rrd_parsetime) for `billrun fetch --start/--end/--resolution`,
// with rrdtool 1.7.2's results, quirks included: the same arguments must
// select the same rows.
//
// The grammar is rrd_parsetime's: a time reference (now, start, end,
// epoch, epoch seconds, a time of day such as noon, teatime, 8am or
// 14:30, a date such as yesterday, friday, 20261110, Nov 10 2026,
// 10.11.2026 or 11/10/2026, or both) followed by offsets ("-1d", "+2h30m").
// The parser is a port of its token-level behaviour, so these hold as they
// do in rrdtool, and the tests compare each with the real rrdtool:
//   - a date without a time keeps the current time of day after a month
//     name ("Nov 10 2026"), but is midnight after a number ("20261110");
//   - "20261110-1d" and "Nov 10 12:00" are refused (the number after a
//     date is read as a time or a year), "11/10" is in the year 30000;
//   - a word or character that is no unit after an offset's number means
//     seconds and is consumed ("now+17-7mon" is 17 s plus 7 months,
//     "now+5fortnights" is 5 s); an unknown character ends the input
//     ("now#x" is now);
//   - "m" is months after d/w/mon/y, minutes after s/min/h, and otherwise
//     months below 6 and minutes from 6 up.
//
// Days, weeks, months and years are calendar arithmetic on the local wall
// clock (rrdtool adds to struct tm fields and calls mktime), so "end-1d"
// across a DST change is 23 or 25 hours; hours and smaller are seconds.
// Like glibc's mktime, a wall-clock time computed from an instant keeps
// that instant's DST flag; one computed from words lets the zone decide.
//
// One deliberate difference: rrdtool adds offsets in a C int and wraps
// past 2^31 seconds; billrun refuses such an offset instead.
package timespec
