// Package export writes billrun's outputs: CSV and JSON of the usage and
// SLA reports (and, later, the XLSX workbook and PDF invoices), and the
// atomic file writing every output goes through.
//
// CSV text cells that a spreadsheet would evaluate as a formula (starting
// with =, +, -, @, tab or carriage return) are written with a leading
// apostrophe. JSON is indented with two spaces and ends with a newline;
// every list is in a fixed order, so the same inputs give the same bytes.
package export
