// Package rrdcached is a client for rrdcached, rrdtool's caching daemon
// (protocol of rrdtool 1.7.2).
//
// billrun uses it to FLUSH a file before reading it, so updates still
// queued in the daemon are included. The protocol is line based: a
// command line, then a status line "N message" where N < 0 is an error and
// N >= 0 the number of lines that follow. In BATCH mode the daemon answers
// only at the closing "." with "N errors" and one line per failed command,
// "<command number> <message>".
//
// File names: over a unix socket the daemon shares our file system, so
// names are sent as absolute, symlink-free paths (as rrdtool's client
// does); over TCP names are relative to the daemon's base directory (-b)
// and sent as given, and absolute names are refused as rrdtool refuses
// them.
//
// Every answer is read with bounded line lengths and line counts, and the
// context's deadline and cancellation apply to the connection.
package rrdcached
