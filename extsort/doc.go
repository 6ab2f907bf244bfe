// Package extsort sorts more records than a program wants to hold in
// memory, as sort(1) does: records are held until they pass a limit in
// bytes, then sorted and written to a temporary file (a run), and the
// runs are merged when the records are read back. Memory is bounded by
// the limit plus a read buffer per merged run, whatever the number of
// records; the temporary files take the rest.
//
// A record is a key and a value, both bytes. Records come back in
// bytes.Compare order of their keys, and records with equal keys in the
// order they were added (the sort is stable), so the output depends only
// on the records and their order, never on the limit.
//
// Runs are written to unlinked temporary files: they take no name in the
// directory after they are created, and the system frees them when the
// Sorter closes them or the program ends, however it ends.
//
// A run on disk is a sequence of records, each
//
//	uvarint  len(key)
//	uvarint  len(value)
//	key      len(key) bytes
//	value    len(value) bytes
//
// the same encoding as the records held in memory.
package extsort
