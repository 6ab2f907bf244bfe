// Package locale holds the texts of customer documents in each language
// billrun writes (en, de) and the way each writes numbers, amounts and
// dates: €1,234.56 and 2026-11-30 in English, 1.234,56 € and 30.11.2026 in
// German.
package locale
