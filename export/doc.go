// Package export writes the data files of a billing run: CSV and JSON of
// the usage and SLA reports, invoices.json and the XLSX workbook. The
// customer documents are in its two subpackages: document (the PDF
// invoices, their typesetting and fonts, Factur-X) and einvoice (the
// EN 16931 model in its UBL and CII syntaxes). Each writes to an
// io.Writer; putting the bytes in place atomically is package atomicfile's
// job.
//
// CSV text cells that a spreadsheet would evaluate as a formula (starting
// with =, +, -, @, tab or carriage return) are written with a leading
// apostrophe. JSON is indented with two spaces and ends with a newline;
// every list is in a fixed order, so the same inputs give the same bytes.
package export
