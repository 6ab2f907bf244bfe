// Package einvoice writes an invoice or credit note as an EN 16931
// e-invoice: one model of the document (newDocument), in two syntaxes,
// OASIS UBL 2.1 (UBL: XRechnung UBL and Peppol BIS Billing 3.0) and
// UN/CEFACT CII D16B (CII: XRechnung CII, and the XML of Factur-X).
// The XML is written with encoding/xml; the official rules and schemas
// (../shared/einvoice/validate) judge it in the tests.
package einvoice
