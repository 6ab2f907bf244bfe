// Package tax decides how an invoice is taxed from who issues it and who
// receives it: the VAT category of EN 16931 (S, AE or O), its rate, and
// the legal note the invoice must carry. It knows the ISO 3166 countries
// and which of them are EU member states; the rates are the config's.
package tax
