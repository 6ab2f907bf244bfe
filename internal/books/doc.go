// Package books is the register seen as the finance team's books: each
// issued document (invoice, credit note, replacement) as an entry in the
// period it was issued in, its VAT lines, and the summaries a VAT return,
// the EU sales list and the OSS return are filled in from. For a German
// issuer each VAT line is also placed under the line (Kennzahl) of the
// German VAT return (UStVA) it belongs to.
//
// It computes and does no I/O: the caller reads the register, and package
// export writes the workbook, CSV and JSON. Every sum is exact decimal and
// kept per currency, so no figure adds up amounts of two currencies.
// These are summaries: they file nothing (docs/invoices.md#the-books).
package books
