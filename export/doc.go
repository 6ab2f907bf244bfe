// Package export renders billrun's outputs: CSV and JSON of the usage and
// SLA reports, the XLSX workbook and the PDF invoices. It writes to an
// io.Writer; putting the bytes in place atomically is package atomicfile's
// job.
//
// CSV text cells that a spreadsheet would evaluate as a formula (starting
// with =, +, -, @, tab or carriage return) are written with a leading
// apostrophe. JSON is indented with two spaces and ends with a newline;
// every list is in a fixed order, so the same inputs give the same bytes.
package export
