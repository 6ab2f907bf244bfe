// Package exchange reads the European Central Bank's euro foreign exchange
// reference rates (eurofxref-hist.csv, the ECB's own CSV of every
// business day's rates) and gives the rate of one currency in another on
// a day: what VAT in the issuer's home currency (art. 91(2) Directive
// 2006/112/EC, § 16 Abs. 6 UStG) is converted at.
package exchange
