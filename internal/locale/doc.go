// Package locale holds the texts of customer documents in each language
// billrun writes (en, de, fr, nl) and the way each writes numbers,
// amounts, dates and units: €1,234.56 and 2026-11-30 in English,
// 1.234,56 € and 30.11.2026 in German, 1 234,56 € and 30/11/2026 in
// French, € 1.234,56 and 30-11-2026 in Dutch. The grouping and decimal
// marks come from CLDR through golang.org/x/text; the words are billrun's.
package locale
