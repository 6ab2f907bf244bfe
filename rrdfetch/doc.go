// Package rrdfetch reads rrdtool's RRD files in pure Go and fetches from
// them exactly what rrdtool 1.7.2's `rrdtool fetch` returns.
//
// # On-disk format
//
// An RRD file is the in-memory C structs of rrdtool written one after the
// other, so its layout depends on the ABI of the machine that wrote it.
// Offsets for x86_64/aarch64 (LP64, little-endian; ppc64/s390x are the same
// big-endian):
//
//	stat_head (128 bytes)
//	  0  char  cookie[4]      "RRD\0"
//	  4  char  version[5]     "0001" … "0005"
//	 16  double float_cookie  8.642135e130 (byte order and alignment probe)
//	 24  ulong ds_cnt
//	 32  ulong rra_cnt
//	 40  ulong pdp_step       seconds
//	 48  unival par[10]       unused
//	ds_def[ds_cnt] (120 bytes each)
//	  0  char ds_nam[20]; 20 char dst[20] (GAUGE, COUNTER, …, COMPUTE)
//	 40  unival par[10]       heartbeat (ulong), min, max (double);
//	                          COMPUTE: compact RPN {char op; short val}×20
//	rra_def[rra_cnt] (120 bytes each)
//	  0  char cf_nam[20]; 24 ulong row_cnt; 32 ulong pdp_cnt
//	 40  unival par[10]       xff (double) or Holt-Winters parameters
//	live_head (16 bytes; versions 1-2: a bare time_t)
//	  0  time_t last_up;  8 long last_up_usec
//	pdp_prep[ds_cnt] (112 bytes each)
//	  0  char last_ds[30]; 32 unival scratch[10]: unknown_sec, value
//	cdp_prep[rra_cnt*ds_cnt] (80 bytes each): unival scratch[10]
//	rra_ptr[rra_cnt] (8 bytes each): ulong cur_row
//	data: for each RRA, row_cnt rows of ds_cnt doubles
//
// A union slot (unival) is always 8 bytes. On ILP32 ABIs long is 4 bytes;
// i386 aligns doubles to 4 (float_cookie at 12, stat_head 112 bytes,
// rra_def 108), ARM EABI and x32 to 8 (float_cookie at 16, stat_head 120,
// rra_def 112); time_t may be 4 or 8 bytes. rrdtool refuses files from
// another ABI; rrdfetch reads them: it finds the float cookie at offset 16
// or 12 in either byte order, computes the file size each candidate
// (sizeof long, sizeof time_t) implies, and keeps the one equal to the
// file size (rrdtool also accepts a longer file: then the first candidate
// that fits). The layout is decided once; every field is then decoded at
// an explicit offset (see layout.go), never by mirroring C structs.
//
// # Ring
//
// RRA i's ring starts at the row after cur_row (the newest) and wraps. Its
// newest row is stamped last_up - last_up % (pdp_step*pdp_cnt) and covers
// the interval (t-step, t].
//
// # Fetch semantics (rrd_fetch_fn in rrdtool 1.7.2)
//
//   - RRA choice: among RRAs of the requested CF (since 1.5, an RRA with
//     one PDP per row serves any of AVERAGE, MIN, MAX, LAST), the "full
//     match" (covering start) whose step is nearest the requested
//     resolution; else the "partial match" covering most of the window,
//     ties by step distance; first one wins ties.
//   - start is rounded down to the RRA step; end is rounded up and an end
//     already on a boundary still gains a step. The rows are stamped
//     start+step … end.
//   - Rows outside the ring are NaN; rrdtool on x86_64 writes 0.0/0.0 there,
//     the negative default NaN, which glibc prints as "-nan". NaNs read
//     from the file keep their own sign bit.
//   - Refusals, in rrdtool's order: start before 1980, end before start
//     (after --align-start, which aligns to the requested resolution),
//     unknown CF, no RRA for the CF.
//
// # Reading while rrdtool writes
//
// rrdtool's own fetch takes a non-blocking read lock, which makes a
// concurrent `rrdtool update` fail ("could not lock RRD") and lose a
// sample. rrdfetch takes no lock. It reads the live header, the rows, and
// the live header again, and retries when they differ; rrdtool update
// advances cur_row before it writes a row and last_up after, so a row
// overwritten during the read always shows as a changed header. On Unix it
// also waits (without locking) while F_GETLK reports another process's
// write lock, i.e. while an update is in progress. After 50 attempts it
// gives up with ErrBusy.
//
// # Opening files
//
// Open reads only a regular file: it opens with O_NONBLOCK and checks the
// type before reading, so a FIFO or a device is an error, never a wait.
// The file's first 8 KiB are read in one pread (the whole header of any
// usual file); the cdp_prep scratch is decoded only when Header.CDPPrep
// asks for it.
//
// # Untrusted input
//
// Every count and offset is checked against the file size before anything
// is allocated or read; a corrupt file is a *FormatError (wrapping
// ErrFormat) naming the file, the byte offset and what is wrong. A single
// fetch is limited to 2^27 values.
package rrdfetch
