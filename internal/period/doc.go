// Package period is the billing period: a calendar month, an ISO week, a
// day or a custom span, as the half-open interval [Start, End) in the
// config's time zone, with its label ("2026-10", "2026-W43",
// "2026-10-05"), its neighbours and the last complete one before a given
// instant. Midnights that a DST change skips are normalised by Go to the
// next valid instant, so a period's length follows the zone.
package period
