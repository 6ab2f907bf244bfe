package einvoice

import (
	"encoding/xml"
	"io"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/shopspring/decimal"
)

// EN 16931 specification identifiers (BT-24) and the Peppol business
// process (BT-23) billrun's e-invoices declare.
const (
	specEN16931   = "urn:cen.eu:en16931:2017"
	specXRechnung = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
	specPeppol    = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	peppolProcess = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
)

// The UBL 2.1 document: element names carry their namespace prefixes
// (declared on the root), in the order the schema requires.
type (
	ublAmount struct {
		Currency string `xml:"currencyID,attr"`
		Value    string `xml:",chardata"`
	}
	ublQuantity struct {
		Unit  string `xml:"unitCode,attr"`
		Value string `xml:",chardata"`
	}
	ublID struct {
		Scheme string `xml:"schemeID,attr,omitempty"`
		Value  string `xml:",chardata"`
	}
	ublScheme struct {
		ID string `xml:"cbc:ID"`
	}
	ublPartyTax struct {
		CompanyID string    `xml:"cbc:CompanyID"`
		Scheme    ublScheme `xml:"cac:TaxScheme"`
	}
	ublAddress struct {
		Street     string   `xml:"cbc:StreetName,omitempty"`
		Additional string   `xml:"cbc:AdditionalStreetName,omitempty"`
		City       string   `xml:"cbc:CityName"`
		Postcode   string   `xml:"cbc:PostalZone,omitempty"`
		Region     string   `xml:"cbc:CountrySubentity,omitempty"`
		Line       *ublLine `xml:"cac:AddressLine"`
		Country    struct {
			Code string `xml:"cbc:IdentificationCode"`
		} `xml:"cac:Country"`
	}
	ublLine struct {
		Line string `xml:"cbc:Line"`
	}
	ublLegal struct {
		Name      string `xml:"cbc:RegistrationName"`
		CompanyID string `xml:"cbc:CompanyID,omitempty"`
		LegalForm string `xml:"cbc:CompanyLegalForm,omitempty"`
	}
	ublContact struct {
		Name  string `xml:"cbc:Name,omitempty"`
		Phone string `xml:"cbc:Telephone,omitempty"`
		Email string `xml:"cbc:ElectronicMail,omitempty"`
	}
	ublParty struct {
		Endpoint *ublID        `xml:"cbc:EndpointID"`
		Ident    *ublID        `xml:"cac:PartyIdentification>cbc:ID"`
		Address  ublAddress    `xml:"cac:PostalAddress"`
		Tax      []ublPartyTax `xml:"cac:PartyTaxScheme"`
		Legal    ublLegal      `xml:"cac:PartyLegalEntity"`
		Contact  *ublContact   `xml:"cac:Contact"`
	}
	ublTaxCategory struct {
		ID         string    `xml:"cbc:ID"`
		Percent    string    `xml:"cbc:Percent,omitempty"`
		ReasonCode string    `xml:"cbc:TaxExemptionReasonCode,omitempty"`
		Reason     string    `xml:"cbc:TaxExemptionReason,omitempty"`
		Scheme     ublScheme `xml:"cac:TaxScheme"`
	}
	ublSubtotal struct {
		Taxable  ublAmount      `xml:"cbc:TaxableAmount"`
		Tax      ublAmount      `xml:"cbc:TaxAmount"`
		Category ublTaxCategory `xml:"cac:TaxCategory"`
	}
	ublTaxTotal struct {
		Tax       ublAmount     `xml:"cbc:TaxAmount"`
		Subtotals []ublSubtotal `xml:"cac:TaxSubtotal"`
	}
	ublPaymentMeans struct {
		Code      ublMeansCode `xml:"cbc:PaymentMeansCode"`
		DueDate   string       `xml:"cbc:PaymentDueDate,omitempty"` // credit notes (BT-9)
		PaymentID string       `xml:"cbc:PaymentID,omitempty"`
		Account   *ublAccount  `xml:"cac:PayeeFinancialAccount"`
	}
	// ublMeansCode is the payment means code (BT-81) and its text (BT-82).
	ublMeansCode struct {
		Name string `xml:"name,attr,omitempty"`
		Code string `xml:",chardata"`
	}
	ublAccount struct {
		IBAN   string     `xml:"cbc:ID"`
		Holder string     `xml:"cbc:Name,omitempty"`
		Branch *ublScheme `xml:"cac:FinancialInstitutionBranch"`
	}
	ublDocLine struct {
		ID          string       `xml:"cbc:ID"`
		InvoicedQty *ublQuantity `xml:"cbc:InvoicedQuantity"`
		CreditedQty *ublQuantity `xml:"cbc:CreditedQuantity"`
		Amount      ublAmount    `xml:"cbc:LineExtensionAmount"`
		Item        ublItem      `xml:"cac:Item"`
		Price       ublPrice     `xml:"cac:Price"`
	}
	ublItem struct {
		Name     string         `xml:"cbc:Name"`
		Category ublTaxCategory `xml:"cac:ClassifiedTaxCategory"`
	}
	ublPrice struct {
		Amount ublAmount `xml:"cbc:PriceAmount"`
	}
	ublTotals struct {
		Lines      ublAmount  `xml:"cbc:LineExtensionAmount"`
		Exclusive  ublAmount  `xml:"cbc:TaxExclusiveAmount"`
		Inclusive  ublAmount  `xml:"cbc:TaxInclusiveAmount"`
		Allowances *ublAmount `xml:"cbc:AllowanceTotalAmount"`
		Payable    ublAmount  `xml:"cbc:PayableAmount"`
	}
	// ublAllowance is a document-level allowance (BG-20).
	ublAllowance struct {
		Charge     bool           `xml:"cbc:ChargeIndicator"`
		ReasonCode string         `xml:"cbc:AllowanceChargeReasonCode"`
		Reason     string         `xml:"cbc:AllowanceChargeReason"`
		Factor     string         `xml:"cbc:MultiplierFactorNumeric,omitempty"`
		Amount     ublAmount      `xml:"cbc:Amount"`
		Base       *ublAmount     `xml:"cbc:BaseAmount"`
		Category   ublTaxCategory `xml:"cac:TaxCategory"`
	}
	ublPeriod struct {
		Start string `xml:"cbc:StartDate"`
		End   string `xml:"cbc:EndDate"`
	}
	ublBilling struct {
		Doc struct {
			ID        string `xml:"cbc:ID"`
			IssueDate string `xml:"cbc:IssueDate"`
		} `xml:"cac:InvoiceDocumentReference"`
	}
	ublDocument struct {
		XMLName         xml.Name
		NS              string           `xml:"xmlns,attr"`
		CAC             string           `xml:"xmlns:cac,attr"`
		CBC             string           `xml:"xmlns:cbc,attr"`
		Customization   string           `xml:"cbc:CustomizationID"`
		Profile         string           `xml:"cbc:ProfileID"`
		ID              string           `xml:"cbc:ID"`
		IssueDate       string           `xml:"cbc:IssueDate"`
		DueDate         string           `xml:"cbc:DueDate,omitempty"`
		InvoiceType     string           `xml:"cbc:InvoiceTypeCode,omitempty"`
		CreditType      string           `xml:"cbc:CreditNoteTypeCode,omitempty"`
		Note            string           `xml:"cbc:Note,omitempty"`
		Currency        string           `xml:"cbc:DocumentCurrencyCode"`
		TaxCurrency     string           `xml:"cbc:TaxCurrencyCode,omitempty"`
		BuyerReference  string           `xml:"cbc:BuyerReference,omitempty"`
		Period          ublPeriod        `xml:"cac:InvoicePeriod"`
		Order           *ublScheme       `xml:"cac:OrderReference"`
		Billing         *ublBilling      `xml:"cac:BillingReference"`
		Contract        *ublScheme       `xml:"cac:ContractDocumentReference"`
		Supplier        ublParty         `xml:"cac:AccountingSupplierParty>cac:Party"`
		Customer        ublParty         `xml:"cac:AccountingCustomerParty>cac:Party"`
		PaymentMeans    *ublPaymentMeans `xml:"cac:PaymentMeans"`
		PaymentTerms    string           `xml:"cac:PaymentTerms>cbc:Note,omitempty"`
		Allowances      []ublAllowance   `xml:"cac:AllowanceCharge"`
		TaxTotal        []ublTaxTotal    `xml:"cac:TaxTotal"`
		Totals          ublTotals        `xml:"cac:LegalMonetaryTotal"`
		InvoiceLines    []ublDocLine     `xml:"cac:InvoiceLine"`
		CreditNoteLines []ublDocLine     `xml:"cac:CreditNoteLine"`
	}
)

// UBL writes inv as a UBL 2.1 Invoice or CreditNote, declaring the
// specification of the customer's format (XRechnung 3.0 or Peppol BIS 3).
func UBL(w io.Writer, inv *pricing.Invoice) error {
	return writeXML(w, ublOf(newDocument(inv)))
}

func ublOf(e *document) *ublDocument {
	amt := func(v decimal.Decimal) ublAmount {
		return ublAmount{Currency: e.currency, Value: v.StringFixed(e.places)}
	}
	d := &ublDocument{
		NS:            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
		CAC:           "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
		CBC:           "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
		Customization: e.spec, Profile: peppolProcess,
		ID: e.number, IssueDate: e.issueDate, Note: e.note, Currency: e.currency, BuyerReference: e.buyerReference,
		Period:   ublPeriod{Start: e.periodStart, End: e.periodEnd},
		Supplier: ublPartyOf(e.seller), Customer: ublPartyOf(e.buyer),
		PaymentTerms: e.paymentTerms,
	}
	d.XMLName.Local = "Invoice"
	if e.credit {
		d.XMLName.Local = "CreditNote"
		d.NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
		d.CreditType = e.typeCode
	} else {
		d.InvoiceType, d.DueDate = e.typeCode, e.dueDate
	}
	if e.purchaseOrder != "" {
		d.Order = &ublScheme{ID: e.purchaseOrder}
	}
	if e.contract != "" {
		d.Contract = &ublScheme{ID: e.contract}
	}
	if e.corrects != nil {
		d.Billing = &ublBilling{}
		d.Billing.Doc.ID, d.Billing.Doc.IssueDate = e.corrects.Number, e.corrects.IssueDate
	}
	if p := e.payment; p != nil {
		d.PaymentMeans = &ublPaymentMeans{Code: ublMeansCode{Name: p.text, Code: p.code}}
		if p.iban != "" {
			d.PaymentMeans.PaymentID = e.number
			d.PaymentMeans.Account = &ublAccount{IBAN: p.iban, Holder: p.holder}
			if p.bic != "" {
				d.PaymentMeans.Account.Branch = &ublScheme{ID: p.bic}
			}
		}
		if e.credit {
			d.PaymentMeans.DueDate = e.dueDate
		}
	}
	total := ublTaxTotal{Tax: amt(e.taxTotal)}
	for _, t := range e.taxes {
		total.Subtotals = append(total.Subtotals, ublSubtotal{Taxable: amt(t.taxable), Tax: amt(t.tax), Category: ublCategory(t.category, t.percent, t.reasonCode, t.reason)})
	}
	d.TaxTotal = []ublTaxTotal{total}
	if h := e.home; h != nil {
		// BT-111: the VAT total in the accounting currency, without a breakdown
		d.TaxCurrency = h.currency
		d.TaxTotal = append(d.TaxTotal, ublTaxTotal{Tax: ublAmount{Currency: h.currency, Value: h.vat}})
	}
	net := e.lineTotal.Sub(e.allowanceTotal)
	d.Totals = ublTotals{Lines: amt(e.lineTotal), Exclusive: amt(net), Inclusive: amt(e.grandTotal), Payable: amt(e.grandTotal)}
	d.Allowances, d.Totals.Allowances = ublAllowances(e, amt)
	for _, l := range e.lines {
		dl := ublDocLine{ID: l.id, Amount: amt(l.amount),
			Item:  ublItem{Name: l.name, Category: ublCategory(l.category, l.percent, "", "")},
			Price: ublPrice{Amount: ublAmount{Currency: e.currency, Value: l.price}}}
		q := &ublQuantity{Unit: l.unitCode, Value: l.quantity}
		if e.credit {
			dl.CreditedQty = q
			d.CreditNoteLines = append(d.CreditNoteLines, dl)
		} else {
			dl.InvoicedQty = q
			d.InvoiceLines = append(d.InvoiceLines, dl)
		}
	}
	return d
}

// ublAllowances are e's document-level allowances and their total (nil
// without any).
func ublAllowances(e *document, amt func(decimal.Decimal) ublAmount) ([]ublAllowance, *ublAmount) {
	if len(e.allowances) == 0 {
		return nil, nil
	}
	var out []ublAllowance
	for _, a := range e.allowances {
		ua := ublAllowance{ReasonCode: a.code, Reason: a.reason, Factor: a.percent,
			Amount: amt(a.amount), Category: ublCategory(a.category, a.taxPercent, "", "")}
		if a.percent != "" {
			base := amt(a.base)
			ua.Base = &base
		}
		out = append(out, ua)
	}
	total := amt(e.allowanceTotal)
	return out, &total
}

func ublCategory(cat, percent, reasonCode, reason string) ublTaxCategory {
	return ublTaxCategory{ID: cat, Percent: percent, ReasonCode: reasonCode, Reason: reason, Scheme: ublScheme{ID: "VAT"}}
}

func ublPartyOf(p party) ublParty {
	u := ublParty{Legal: ublLegal{Name: p.name, CompanyID: p.registration, LegalForm: p.legalInfo}}
	if p.endpoint != nil {
		u.Endpoint = &ublID{Scheme: p.endpoint.Scheme, Value: p.endpoint.ID}
	}
	u.Address.City, u.Address.Postcode, u.Address.Region, u.Address.Country.Code = p.city, p.postcode, p.region, p.country
	if id := p.identifier; id != nil {
		u.Ident = &ublID{Scheme: id.Scheme, Value: id.ID}
	}
	if len(p.street) > 0 {
		u.Address.Street = p.street[0]
	}
	if len(p.street) > 1 {
		u.Address.Additional = p.street[1]
	}
	if len(p.street) > 2 {
		u.Address.Line = &ublLine{Line: p.street[2]}
	}
	if p.vatID != "" {
		u.Tax = append(u.Tax, ublPartyTax{CompanyID: p.vatID, Scheme: ublScheme{ID: "VAT"}})
	}
	if p.taxNumber != "" {
		u.Tax = append(u.Tax, ublPartyTax{CompanyID: p.taxNumber, Scheme: ublScheme{ID: "FC"}})
	}
	if p.contact != nil {
		u.Contact = &ublContact{Name: p.contact.Name, Phone: p.contact.Phone, Email: p.contact.Email}
	}
	return u
}
