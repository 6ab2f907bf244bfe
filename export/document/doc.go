// Package document renders an invoice or credit note as the customer
// receives it: a PDF (PDF), or a Factur-X PDF/A-3 with its CII XML
// attached (FacturX).
//
// A run makes its Fonts once (NewFonts: the Go fonts, and an operator's
// fallback font for what they lack, such as CJK) and passes them to every
// document. Each invoice's text is checked and cleaned once
// (Fonts.Prepare): a character no font has is printed as '?' and listed
// in Text.Lacking, which the run reports as a problem.
//
// The typesetter (page) sets each stretch of text in the font that has it:
// the Go fonts as single-byte fonts in Windows-1252 what it has, as UTF-8
// fonts the rest of theirs, and the fallback what they lack. Dates in
// the file are the document's own and its catalog is sorted, so the bytes
// depend only on the invoice and the fonts.
package document
