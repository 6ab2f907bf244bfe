// Package rrdwrite writes real rrdtool files (format 0003, the x86_64
// layout that rrdtool 1.7.2 writes and rrdfetch documents) from primary
// data points, without rrdtool: billrun's demo and benchmarks build their
// synthetic fleets with it.
//
// The caller gives one PDP value per data source and step (a rate for
// COUNTER/DERIVE/ABSOLUTE, the value for GAUGE; NaN for unknown). rrdwrite
// consolidates them into every RRA as rrdtool does when it is updated once
// per step: CDP boundaries at multiples of step×pdp_per_row; a CDP is
// unknown when more than xff×pdp_per_row of its PDPs are unknown (PDPs
// before the file's start count as unknown); AVERAGE is the mean of the
// known PDPs, MIN and MAX their minimum and maximum, LAST the CDP's last
// PDP (unknown if that one is).
//
// The live state is left as rrdtool leaves it after an update at the last
// step boundary: last_update = last, no partial PDP, the CDPs in progress in
// cdp_prep (running sum, minimum, maximum or last value, and the count of
// unknown PDPs), and last_ds "U", so the first `rrdtool update` after the
// write starts counters afresh (an unknown first interval) instead of
// inventing a rate from a reading nobody took. Where rrdtool starts each
// ring at a random row, rrdwrite starts at row 0, so the same input gives
// the same bytes.
package rrdwrite
