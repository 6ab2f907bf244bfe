// Package report turns RRD rows into billing figures: usage per VPS and
// uptime SLA per host, for billing periods.
//
// # Periods
//
// A period.Period is [Start, End): a calendar month, ISO week or day in an IANA
// zone (a month runs from the first instant of its first day to the first
// instant of the next month, so DST changes are inside it), or any custom
// interval.
//
// # Rows and proration
//
// An AVERAGE row stamped t covers (t-step, t]. It counts by the seconds of
// its interval inside the period, so two adjacent periods never count the
// same second and the days of a month add up to the month. (The seed asked
// rrdtool fetch for -s START -e END; with aligned times rrdtool returns one
// row past END, so the seed billed every boundary row in both periods.)
//
// # Which RRA
//
// The finest AVERAGE RRA whose rows reach back to the period's start (every
// RRA ends at the last update) serves the whole period. When none does, the
// period is cut from its end backwards: each part comes from the finest RRA
// that has it, and whatever no RRA has stays unknown. The parts are in the
// output ("rra"), so every figure can be traced to rows rrdtool would show.
//
// # Usage figures
//
// A metric is a list of data sources summed per row; a row counts when at
// least one of them is known, unknown members adding nothing (the seed's
// _sum_none). Counter (per-second rate): total = Σ rate × seconds; gauge:
// total = Σ value × seconds / 60 (unit-minutes, the seed's
// AVERAGE × step/60). Coverage = known seconds / period seconds. A row
// whose value exceeds the metric's max_rate is unknown and counted as a
// spike.
//
// The order of the additions is part of the figure, and fixed: within an
// RRA part, the rows that lie wholly inside the period are added as eight
// interleaved sums of their rates (row r of the part into sum r mod 8),
// combined as ((s0+s1)+(s2+s3)) + ((s4+s5)+(s6+s7)) and multiplied by the
// step once, as the seed's Σ AVERAGE × step does; the rows the period's
// bounds cut add rate × seconds to a ninth sum. The parts' totals are
// added with Neumaier compensation. The same rows therefore always give
// the same bits, whoever reads them (usage, a shard, a billing run), and
// the eight sums let the processor overlap the additions instead of
// waiting for each. One loop (fileUsage) walks every row through every
// metric.
//
// The 95th percentile of bandwidth is nearest-rank over the rows used (rows
// with any second in the period): sort the known rates × 8 (bits/s), drop
// the top 5 % (rounded down), take the highest remaining (rank
// ceil(0.95 n)); for in, out, and per row the larger of the two. The
// rates are kept as order keys (a value's bits, p95.go) and the rank is
// found by selection, not a sort.
//
// # Uptime
//
// A host's uptime_pct is the mean of its known admin_uptime rows weighted
// by the seconds each covers in the period; downtime_minutes is
// Σ (100 − v)/100 × covered minutes; degraded intervals are runs of
// contiguous known rows below the threshold (default 99.99), merged, with
// their minimum. The daily series gives each calendar day's figure and the
// mean of the known figures of that day and the six before it within the
// period.
//
// The fleet figure is the mean of the hosts' figures. The seed computed it
// with rrdtool graph: CDEF avg = (s0+…+sN)/N at every graph step, then
// VDEF avg,AVERAGE, the mean over the steps where every host was known.
// When all hosts are known over the same time the two are the same number;
// where a host has a gap, the seed's figure drops those instants for every
// host while billrun keeps the other hosts' data. The tests compare both on
// fixtures with an outage and a gap (agreement within 0.001 percentage
// points).
package report
