package locale

// texts are the documents' words by key, then language. A key missing
// in a language is a bug that the test of this package catches. French
// puts a no-break space (U+00A0) before a colon or semicolon, as its
// typography wants, so that no line starts with one.
var texts = map[string]map[string]string{
	// titles: a correction of one's own invoice is a Rechnungskorrektur
	// (Storno) in German, a Gutschrift being a self-billed invoice (§ 14
	// Abs. 2 UStG); an avoir in French, a creditnota in Dutch
	"invoice":     {"en": "INVOICE", "de": "RECHNUNG", "fr": "FACTURE", "nl": "FACTUUR"},
	"credit_note": {"en": "CREDIT NOTE", "de": "RECHNUNGSKORREKTUR (STORNO)", "fr": "AVOIR", "nl": "CREDITNOTA"},

	// the facts beside the address
	"invoice_number":  {"en": "Invoice number", "de": "Rechnungsnummer", "fr": "Numéro de facture", "nl": "Factuurnummer"},
	"credit_number":   {"en": "Credit note number", "de": "Korrekturnummer", "fr": "Numéro d'avoir", "nl": "Creditnotanummer"},
	"draft":           {"en": "Draft", "de": "Entwurf", "fr": "Brouillon", "nl": "Concept"},
	"issue_date":      {"en": "Issue date", "de": "Rechnungsdatum", "fr": "Date d'émission", "nl": "Factuurdatum"},
	"due_date":        {"en": "Due date", "de": "Fällig am", "fr": "Date d'échéance", "nl": "Vervaldatum"},
	"cancels":         {"en": "Cancels", "de": "Storniert", "fr": "Annule", "nl": "Crediteert"},
	"replaces":        {"en": "Replaces", "de": "Ersetzt", "fr": "Remplace", "nl": "Vervangt"},
	"cancelled_by":    {"en": "Cancelled by", "de": "Storniert durch", "fr": "Annulée par", "nl": "Gecrediteerd door"},
	"of":              {"en": "of", "de": "vom", "fr": "du", "nl": "van"},
	"service_period":  {"en": "Service period", "de": "Leistungszeitraum", "fr": "Période de prestation", "nl": "Leveringsperiode"},
	"customer":        {"en": "Customer", "de": "Kundennummer", "fr": "Numéro client", "nl": "Klantnummer"},
	"buyer_reference": {"en": "Your reference", "de": "Ihre Referenz", "fr": "Votre référence", "nl": "Uw referentie"},
	"purchase_order":  {"en": "Your order", "de": "Ihre Bestellung", "fr": "Votre commande", "nl": "Uw bestelnummer"},
	"contract":        {"en": "Contract", "de": "Vertrag", "fr": "Contrat", "nl": "Contract"},
	"attention":       {"en": "Attn. %s", "de": "z. Hd. %s", "fr": "À l'attention de %s", "nl": "T.a.v. %s"},
	"bill_to":         {"en": "Bill to", "de": "Rechnung an", "fr": "Facturé à", "nl": "Factuur aan"},
	"issued_to":       {"en": "Issued to", "de": "Empfänger", "fr": "Destinataire", "nl": "Ontvanger"},
	"vat_id":          {"en": "VAT ID", "de": "USt-IdNr.", "fr": "N° TVA", "nl": "Btw-nummer"},
	"tax_number":      {"en": "Tax number", "de": "Steuernummer", "fr": "Numéro fiscal", "nl": "Fiscaal nummer"},

	// the lines and the sums
	"description":  {"en": "Description", "de": "Beschreibung", "fr": "Désignation", "nl": "Omschrijving"},
	"quantity":     {"en": "Quantity", "de": "Menge", "fr": "Quantité", "nl": "Aantal"},
	"unit":         {"en": "Unit", "de": "Einheit", "fr": "Unité", "nl": "Eenheid"},
	"unit_price":   {"en": "Unit price", "de": "Einzelpreis", "fr": "Prix unitaire", "nl": "Prijs per eenheid"},
	"amount":       {"en": "Amount", "de": "Betrag", "fr": "Montant", "nl": "Bedrag"},
	"fees":         {"en": "Fees", "de": "Grundgebühren", "fr": "Abonnements", "nl": "Vaste kosten"},
	"usage":        {"en": "Usage", "de": "Nutzung", "fr": "Consommation", "nl": "Verbruik"},
	"charges":      {"en": "Other charges", "de": "Weitere Leistungen", "fr": "Autres prestations", "nl": "Overige kosten"},
	"sla_credit":   {"en": "SLA credit", "de": "SLA-Gutschrift", "fr": "Crédit SLA", "nl": "SLA-creditering"},
	"lines_total":  {"en": "Sum of the lines", "de": "Summe der Positionen", "fr": "Total des lignes", "nl": "Totaal van de regels"},
	"discount":     {"en": "Discount: %s", "de": "Rabatt: %s", "fr": "Remise\u00a0: %s", "nl": "Korting: %s"},
	"net_total":    {"en": "Net total", "de": "Nettobetrag", "fr": "Total HT", "nl": "Totaal excl. btw"},
	"vat":          {"en": "VAT %s %% on %s", "de": "USt. %s %% auf %s", "fr": "TVA %s %% sur %s", "nl": "Btw %s %% over %s"},
	"no_vat":       {"en": "VAT 0 %% (%s) on %s", "de": "USt. 0 %% (%s) auf %s", "fr": "TVA 0 %% (%s) sur %s", "nl": "Btw 0 %% (%s) over %s"},
	"total":        {"en": "Total", "de": "Gesamtbetrag", "fr": "Total TTC", "nl": "Totaal incl. btw"},
	"credit_total": {"en": "Total credited", "de": "Korrekturbetrag", "fr": "Total de l'avoir", "nl": "Totaal gecrediteerd"},

	// the usage tables, one per VPS
	"usage_summary": {"en": "Usage in the period", "de": "Nutzung im Zeitraum", "fr": "Consommation de la période", "nl": "Verbruik in de periode"},
	"resource":      {"en": "Resource", "de": "Leistung", "fr": "Ressource", "nl": "Onderdeel"},
	"used":          {"en": "Used", "de": "Genutzt", "fr": "Consommé", "nl": "Verbruikt"},
	"included":      {"en": "Included", "de": "Inklusive", "fr": "Inclus", "nl": "Inbegrepen"},

	// notes and payment
	"payment":          {"en": "Please pay %s by %s to %s, IBAN %s%s, quoting %s.", "de": "Bitte überweisen Sie %s bis zum %s an %s, IBAN %s%s, mit dem Verwendungszweck %s.", "fr": "Merci de régler %s au plus tard le %s à %s, IBAN %s%s, en indiquant la référence %s.", "nl": "Gelieve %s uiterlijk op %s over te maken aan %s, IBAN %s%s, onder vermelding van %s."},
	"payment_terms":    {"en": "Payment terms: %d days net.", "de": "Zahlungsbedingungen: %d Tage netto.", "fr": "Conditions de paiement\u00a0: %d jours net.", "nl": "Betalingstermijn: %d dagen netto."},
	"credit_payment":   {"en": "The amount will be refunded to you or set off against your next invoice; nothing is to be paid.", "de": "Der Betrag wird Ihnen erstattet oder mit Ihrer nächsten Rechnung verrechnet; es ist nichts zu zahlen.", "fr": "Le montant vous sera remboursé ou imputé sur votre prochaine facture\u00a0; aucun paiement n'est dû.", "nl": "Het bedrag wordt u terugbetaald of verrekend met uw volgende factuur; u hoeft niets te betalen."},
	"credit_means":     {"en": "Refund or set-off by the seller", "de": "Erstattung oder Verrechnung durch den Verkäufer", "fr": "Remboursement ou compensation par le vendeur", "nl": "Terugbetaling of verrekening door de verkoper"},
	"draft_note":       {"en": "Draft: not an invoice. It has no number yet and is not to be paid; the issued document will be.", "de": "Entwurf: keine Rechnung. Er hat noch keine Nummer und ist nicht zu zahlen; das ausgestellte Dokument wird es sein.", "fr": "Brouillon\u00a0: ce n'est pas une facture. Il n'a pas encore de numéro et n'est pas à payer\u00a0; le document émis le sera.", "nl": "Concept: geen factuur. Het heeft nog geen nummer en hoeft niet betaald te worden; het uitgegeven document wel."},
	"replacement_note": {"en": "This invoice replaces invoice %s of %s, which credit note %s of %s cancels.", "de": "Diese Rechnung ersetzt die Rechnung %s vom %s, die mit der Rechnungskorrektur %s vom %s storniert wurde.", "fr": "Cette facture remplace la facture %s du %s, annulée par l'avoir %s du %s.", "nl": "Deze factuur vervangt factuur %s van %s, die met creditnota %s van %s is gecrediteerd."},
	"home_vat":         {"en": "VAT in %s: %s (the ECB's reference rate of %s: 1 %s = %s %s).", "de": "Umsatzsteuer in %s: %s (Referenzkurs der EZB vom %s: 1 %s = %s %s).", "fr": "TVA en %s\u00a0: %s (taux de référence de la BCE du %s\u00a0: 1 %s = %s %s).", "nl": "Btw in %s: %s (referentiekoers van de ECB van %s: 1 %s = %s %s)."},

	// the footer
	"labelled":  {"en": "%s: %s", "de": "%s: %s", "fr": "%s\u00a0: %s", "nl": "%s: %s"},
	"register":  {"en": "Register", "de": "Handelsregister", "fr": "Registre du commerce", "nl": "Handelsregister"},
	"seat":      {"en": "Registered office", "de": "Sitz der Gesellschaft", "fr": "Siège social", "nl": "Statutaire zetel"},
	"directors": {"en": "Managing directors", "de": "Geschäftsführer", "fr": "Gérants", "nl": "Bestuurders"},

	// the tax notes, in the words of the directive's language versions
	// (art. 226(11a): "Reverse charge", "Autoliquidation", "Btw verlegd")
	"reverse_charge":       {"en": "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC).", "de": "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL): die Umsatzsteuer schuldet der Leistungsempfänger.", "fr": "Autoliquidation\u00a0: la TVA est due par le preneur (article 196 de la directive 2006/112/CE du Conseil).", "nl": "Btw verlegd: de btw is verschuldigd door de afnemer (artikel 196 van Richtlijn 2006/112/EG van de Raad)."},
	"not_subject":          {"en": "Not subject to VAT in %s: the place of supply is the customer's country (Art. 44 Council Directive 2006/112/EC).", "de": "Nicht im Inland steuerbar (%s): Ort der Leistung ist das Land des Leistungsempfängers (Art. 44 MwStSystRL, § 3a Abs. 2 UStG).", "fr": "Non soumis à la TVA (%s)\u00a0: le lieu de la prestation est le pays du preneur (article 44 de la directive 2006/112/CE du Conseil).", "nl": "Niet onderworpen aan btw (%s): de plaats van de dienst is het land van de afnemer (artikel 44 van Richtlijn 2006/112/EG van de Raad)."},
	"not_subject_consumer": {"en": "Not subject to VAT in %s: electronically supplied services to a customer who is not a business, outside the EU, are supplied where the customer is (Art. 59 Council Directive 2006/112/EC).", "de": "Nicht im Inland steuerbar (%s): Ort der auf elektronischem Weg erbrachten Leistung an einen Nichtunternehmer mit Sitz außerhalb der EU ist dessen Wohnsitz (Art. 59 MwStSystRL, § 3a Abs. 4 UStG).", "fr": "Non soumis à la TVA (%s)\u00a0: les services fournis par voie électronique à un preneur non assujetti établi hors de l'Union sont fournis là où il est établi (article 59 de la directive 2006/112/CE du Conseil).", "nl": "Niet onderworpen aan btw (%s): langs elektronische weg verrichte diensten aan een niet-ondernemer buiten de Unie worden verricht waar de afnemer woont (artikel 59 van Richtlijn 2006/112/EG van de Raad)."},
	"reverse_short":        {"en": "reverse charge", "de": "Reverse Charge", "fr": "autoliquidation", "nl": "btw verlegd"},
	"not_subject_short":    {"en": "not subject to VAT", "de": "nicht steuerbar", "fr": "non soumis à la TVA", "nl": "niet onderworpen aan btw"},

	// the lines' descriptions
	"fee_line":        {"en": "%s, %s", "de": "%s, %s", "fr": "%s, %s", "nl": "%s, %s"},
	"prorated":        {"en": "%s, %s: %d of %d days (%s – %s)", "de": "%s, %s: %d von %d Tagen (%s – %s)", "fr": "%s, %s\u00a0: %d jours sur %d (%s – %s)", "nl": "%s, %s: %d van %d dagen (%s – %s)"},
	"usage_line":      {"en": "%s: %s above the %s %s included", "de": "%s: %s über die enthaltenen %s %s hinaus", "fr": "%s\u00a0: %s au-delà du forfait de %s %s", "nl": "%s: %s boven de %s inbegrepen %s"},
	"usage_line_part": {"en": "%s: %s above the %s %s included (pro rata %d of %d days: %s %s)", "de": "%s: %s über die enthaltenen %s %s hinaus (anteilig %d von %d Tagen: %s %s)", "fr": "%s\u00a0: %s au-delà du forfait de %s %s (au prorata de %d jours sur %d\u00a0: %s %s)", "nl": "%s: %s boven de %s inbegrepen %s (naar rato van %d van %d dagen: %s %s)"},
	"p95_line":        {"en": "%s: 95th percentile bandwidth (%s, %d-minute averages): %s Mbps, %s included", "de": "%s: 95. Perzentil der Bandbreite (%s, %d-Minuten-Mittel): %s Mbit/s, %s inklusive", "fr": "%s\u00a0: bande passante au 95e centile (%s, moyennes sur %d minutes)\u00a0: %s Mbit/s, %s inclus", "nl": "%s: bandbreedte 95e percentiel (%s, gemiddelden over %d minuten): %s Mbit/s, %s inbegrepen"},
	"p95_in":          {"en": "in", "de": "eingehend", "fr": "entrant", "nl": "inkomend"},
	"p95_out":         {"en": "out", "de": "ausgehend", "fr": "sortant", "nl": "uitgaand"},
	"p95_max":         {"en": "the larger of in and out", "de": "jeweils der höhere von ein- und ausgehend", "fr": "le plus élevé de l'entrant et du sortant", "nl": "de hoogste van inkomend en uitgaand"},
	"p95_sum":         {"en": "in + out", "de": "ein- + ausgehend", "fr": "entrant + sortant", "nl": "inkomend + uitgaand"},
	"sla_line":        {"en": "%s: SLA credit of %s %% of the fee %s (%s uptime %s %%, below %s %%)", "de": "%s: SLA-Gutschrift %s %% der Gebühr %s (%s Verfügbarkeit %s %%, unter %s %%)", "fr": "%s\u00a0: crédit SLA de %s %% de l'abonnement %s (disponibilité de %s %s %%, sous %s %%)", "nl": "%s: SLA-creditering van %s %% van de vaste kosten %s (beschikbaarheid %s %s %%, onder %s %%)"},

	// the charts
	"traffic":      {"en": "Daily traffic (GB): in green, out blue", "de": "Täglicher Datenverkehr (GB): eingehend grün, ausgehend blau", "fr": "Trafic quotidien (Go)\u00a0: entrant en vert, sortant en bleu", "nl": "Dagelijks dataverkeer (GB): inkomend groen, uitgaand blauw"},
	"availability": {"en": "Daily availability (%%), dashed the 7-day mean; line: SLA target %s %%, days below it shaded", "de": "Tägliche Verfügbarkeit (%%), gestrichelt das 7-Tage-Mittel; Linie: SLA-Ziel %s %%, darunter schattiert", "fr": "Disponibilité quotidienne (%%), en tirets la moyenne sur 7 jours\u00a0; ligne\u00a0: objectif SLA %s %%, jours en dessous grisés", "nl": "Dagelijkse beschikbaarheid (%%), gestreept het 7-daagse gemiddelde; lijn: SLA-doel %s %%, dagen eronder gearceerd"},
	"page":         {"en": "Page %d of %s", "de": "Seite %d von %s", "fr": "Page %d sur %s", "nl": "Pagina %d van %s"},
}

// metricLabels are the seed's six metrics by name, as a customer reads
// them; a metric of the config's own is named by its label there.
var metricLabels = map[string]map[string]string{
	"ticks": {"en": "CPU time", "de": "CPU-Zeit", "fr": "Temps CPU", "nl": "CPU-tijd"},
	"vm":    {"en": "Virtual memory", "de": "Virtueller Speicher", "fr": "Mémoire virtuelle", "nl": "Virtueel geheugen"},
	"rss":   {"en": "Memory in use (RSS)", "de": "Belegter Arbeitsspeicher (RSS)", "fr": "Mémoire utilisée (RSS)", "nl": "Gebruikt werkgeheugen (RSS)"},
	"disk":  {"en": "Disk space", "de": "Speicherplatz", "fr": "Espace disque", "nl": "Schijfruimte"},
	"in":    {"en": "Inbound traffic", "de": "Eingehender Datenverkehr", "fr": "Trafic entrant", "nl": "Inkomend dataverkeer"},
	"out":   {"en": "Outbound traffic", "de": "Ausgehender Datenverkehr", "fr": "Trafic sortant", "nl": "Uitgaand dataverkeer"},
}

// unitWords are billing units written as words, by unit and language;
// sizes (GB) and compound units (GB-months) are built from sizes and
// times below.
var unitWords = map[string]map[string]string{
	"month":       {"en": "month", "de": "Monat", "fr": "mois", "nl": "maand"},
	"days":        {"en": "days", "de": "Tage", "fr": "jours", "nl": "dagen"},
	"credit":      {"en": "credit", "de": "Gutschrift", "fr": "crédit", "nl": "creditering"},
	"lump":        {"en": "lump sum", "de": "pauschal", "fr": "forfait", "nl": "forfait"},
	"ticks":       {"en": "ticks", "de": "Ticks", "fr": "ticks", "nl": "ticks"},
	"cpu-seconds": {"en": "CPU seconds", "de": "CPU-Sekunden", "fr": "secondes CPU", "nl": "CPU-seconden"},
	"cpu-minutes": {"en": "CPU minutes", "de": "CPU-Minuten", "fr": "minutes CPU", "nl": "CPU-minuten"},
	"cpu-hours":   {"en": "CPU hours", "de": "CPU-Stunden", "fr": "heures CPU", "nl": "CPU-uren"},
	"Mbps":        {"en": "Mbps", "de": "Mbit/s", "fr": "Mbit/s", "nl": "Mbit/s"},
}

// timeWords are the time parts of compound units (GB-months).
var timeWords = map[string]map[string]string{
	"months":  {"en": "months", "de": "Monate", "fr": "mois", "nl": "maanden"},
	"hours":   {"en": "hours", "de": "Stunden", "fr": "heures", "nl": "uren"},
	"minutes": {"en": "minutes", "de": "Minuten", "fr": "minutes", "nl": "minuten"},
}

// frenchSizes are byte units as French writes them (octets).
var frenchSizes = map[string]string{"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go", "TB": "To", "KiB": "Kio", "MiB": "Mio", "GiB": "Gio", "TiB": "Tio"}
