// Package state keeps what billrun must remember between runs, in the
// state directory: the register, an SQLite database (register.db, through
// the pure-Go modernc.org/sqlite) holding the ledger of billed periods,
// the invoice number sequences, the drafts waiting to be issued and every
// issued document with its files' digests; and the directory's lock
// (billrun.lock), which one run at a time holds.
//
// A number is allocated and its document recorded in one transaction
// (Register.Allocate), so a number is never given twice nor lost; the
// register is migrated forward in transactions, one schema version at a
// time; and the JSON files of the state before the register (ledger.json,
// invoice-numbers.json) are imported once, on the register's first open.
package state
