package einvoice

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/billrun/billrun/internal/pricing"
)

// The UN/CEFACT Cross Industry Invoice (D16B), as Factur-X and XRechnung
// use it: element names carry their prefixes, in the schema's order.
type (
	ciiDate struct {
		Format string `xml:"format,attr"`
		Value  string `xml:",chardata"`
	}
	ciiID struct {
		Scheme string `xml:"schemeID,attr,omitempty"`
		Value  string `xml:",chardata"`
	}
	ciiAmount struct {
		Currency string `xml:"currencyID,attr,omitempty"`
		Value    string `xml:",chardata"`
	}
	ciiQuantity struct {
		Unit  string `xml:"unitCode,attr"`
		Value string `xml:",chardata"`
	}
	ciiTax struct {
		Calculated *ciiAmount `xml:"ram:CalculatedAmount"`
		Type       string     `xml:"ram:TypeCode"`
		Reason     string     `xml:"ram:ExemptionReason,omitempty"`
		Basis      *ciiAmount `xml:"ram:BasisAmount"`
		Category   string     `xml:"ram:CategoryCode"`
		ReasonCode string     `xml:"ram:ExemptionReasonCode,omitempty"`
		Percent    string     `xml:"ram:RateApplicablePercent,omitempty"`
	}
	ciiLine struct {
		ID       string      `xml:"ram:AssociatedDocumentLineDocument>ram:LineID"`
		Name     string      `xml:"ram:SpecifiedTradeProduct>ram:Name"`
		Price    ciiAmount   `xml:"ram:SpecifiedLineTradeAgreement>ram:NetPriceProductTradePrice>ram:ChargeAmount"`
		Quantity ciiQuantity `xml:"ram:SpecifiedLineTradeDelivery>ram:BilledQuantity"`
		Tax      ciiTax      `xml:"ram:SpecifiedLineTradeSettlement>ram:ApplicableTradeTax"`
		Total    ciiAmount   `xml:"ram:SpecifiedLineTradeSettlement>ram:SpecifiedTradeSettlementLineMonetarySummation>ram:LineTotalAmount"`
	}
	ciiContact struct {
		Name  string `xml:"ram:PersonName,omitempty"`
		Phone string `xml:"ram:TelephoneUniversalCommunication>ram:CompleteNumber,omitempty"`
		Email string `xml:"ram:EmailURIUniversalCommunication>ram:URIID,omitempty"`
	}
	ciiAddress struct {
		Postcode string `xml:"ram:PostcodeCode,omitempty"`
		Line1    string `xml:"ram:LineOne,omitempty"`
		Line2    string `xml:"ram:LineTwo,omitempty"`
		Line3    string `xml:"ram:LineThree,omitempty"`
		City     string `xml:"ram:CityName"`
		Country  string `xml:"ram:CountryID"`
		Region   string `xml:"ram:CountrySubDivisionName,omitempty"`
	}
	ciiParty struct {
		ID           string            `xml:"ram:ID,omitempty"`
		GlobalID     *ciiID            `xml:"ram:GlobalID"`
		Name         string            `xml:"ram:Name"`
		Description  string            `xml:"ram:Description,omitempty"`
		Legal        *ciiID            `xml:"ram:SpecifiedLegalOrganization>ram:ID"`
		Contact      *ciiContact       `xml:"ram:DefinedTradeContact"`
		Address      ciiAddress        `xml:"ram:PostalTradeAddress"`
		Endpoint     *ciiID            `xml:"ram:URIUniversalCommunication>ram:URIID"`
		Registration []ciiRegistration `xml:"ram:SpecifiedTaxRegistration"`
	}
	ciiRegistration struct {
		ID ciiID `xml:"ram:ID"`
	}
	ciiContext struct {
		ID string `xml:"ram:ID"`
	}
	ciiNote struct {
		Content string `xml:"ram:Content"`
	}
	ciiMeans struct {
		Type    string      `xml:"ram:TypeCode"`
		Info    string      `xml:"ram:Information,omitempty"`
		Account *ciiAccount `xml:"ram:PayeePartyCreditorFinancialAccount"`
		Bank    *ciiBank    `xml:"ram:PayeeSpecifiedCreditorFinancialInstitution"`
	}
	ciiAccount struct {
		IBAN   string `xml:"ram:IBANID"`
		Holder string `xml:"ram:AccountName,omitempty"`
	}
	ciiBank struct {
		BIC string `xml:"ram:BICID"`
	}
	ciiTerms struct {
		Description string   `xml:"ram:Description,omitempty"`
		Due         *ciiDate `xml:"ram:DueDateDateTime>udt:DateTimeString"`
	}
	// ciiAllowance is a document-level allowance (BG-20).
	ciiAllowance struct {
		Charge     bool       `xml:"ram:ChargeIndicator>udt:Indicator"`
		Percent    string     `xml:"ram:CalculationPercent,omitempty"`
		Basis      *ciiAmount `xml:"ram:BasisAmount"`
		Amount     ciiAmount  `xml:"ram:ActualAmount"`
		ReasonCode string     `xml:"ram:ReasonCode"`
		Reason     string     `xml:"ram:Reason"`
		Tax        ciiTax     `xml:"ram:CategoryTradeTax"`
	}
	ciiSummation struct {
		Lines      ciiAmount   `xml:"ram:LineTotalAmount"`
		Allowances *ciiAmount  `xml:"ram:AllowanceTotalAmount"`
		Basis      ciiAmount   `xml:"ram:TaxBasisTotalAmount"`
		Tax        []ciiAmount `xml:"ram:TaxTotalAmount"`
		Grand      ciiAmount   `xml:"ram:GrandTotalAmount"`
		Payable    ciiAmount   `xml:"ram:DuePayableAmount"`
	}
	ciiReferenced struct {
		ID   string  `xml:"ram:IssuerAssignedID"`
		Date ciiDate `xml:"ram:FormattedIssueDateTime>qdt:DateTimeString"`
	}
	ciiSettlement struct {
		PaymentReference string         `xml:"ram:PaymentReference,omitempty"`
		TaxCurrency      string         `xml:"ram:TaxCurrencyCode,omitempty"`
		Currency         string         `xml:"ram:InvoiceCurrencyCode"`
		Means            *ciiMeans      `xml:"ram:SpecifiedTradeSettlementPaymentMeans"`
		Taxes            []ciiTax       `xml:"ram:ApplicableTradeTax"`
		Start            ciiDate        `xml:"ram:BillingSpecifiedPeriod>ram:StartDateTime>udt:DateTimeString"`
		End              ciiDate        `xml:"ram:BillingSpecifiedPeriod>ram:EndDateTime>udt:DateTimeString"`
		Allowances       []ciiAllowance `xml:"ram:SpecifiedTradeAllowanceCharge"`
		Terms            *ciiTerms      `xml:"ram:SpecifiedTradePaymentTerms"`
		Summation        ciiSummation   `xml:"ram:SpecifiedTradeSettlementHeaderMonetarySummation"`
		Referenced       *ciiReferenced `xml:"ram:InvoiceReferencedDocument"`
	}
	// ciiDocRef is a referenced document by its number (BT-12, BT-13).
	ciiDocRef struct {
		ID string `xml:"ram:IssuerAssignedID"`
	}
	ciiDocument struct {
		XMLName    xml.Name      `xml:"rsm:CrossIndustryInvoice"`
		RSM        string        `xml:"xmlns:rsm,attr"`
		RAM        string        `xml:"xmlns:ram,attr"`
		QDT        string        `xml:"xmlns:qdt,attr"`
		UDT        string        `xml:"xmlns:udt,attr"`
		Process    *ciiContext   `xml:"rsm:ExchangedDocumentContext>ram:BusinessProcessSpecifiedDocumentContextParameter"`
		Guideline  string        `xml:"rsm:ExchangedDocumentContext>ram:GuidelineSpecifiedDocumentContextParameter>ram:ID"`
		ID         string        `xml:"rsm:ExchangedDocument>ram:ID"`
		Type       string        `xml:"rsm:ExchangedDocument>ram:TypeCode"`
		Issued     ciiDate       `xml:"rsm:ExchangedDocument>ram:IssueDateTime>udt:DateTimeString"`
		Note       *ciiNote      `xml:"rsm:ExchangedDocument>ram:IncludedNote"`
		Lines      []ciiLine     `xml:"rsm:SupplyChainTradeTransaction>ram:IncludedSupplyChainTradeLineItem"`
		Reference  string        `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeAgreement>ram:BuyerReference,omitempty"`
		Seller     ciiParty      `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeAgreement>ram:SellerTradeParty"`
		Buyer      ciiParty      `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeAgreement>ram:BuyerTradeParty"`
		Order      *ciiDocRef    `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeAgreement>ram:BuyerOrderReferencedDocument"`
		Contract   *ciiDocRef    `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeAgreement>ram:ContractReferencedDocument"`
		Delivery   struct{}      `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeDelivery"`
		Settlement ciiSettlement `xml:"rsm:SupplyChainTradeTransaction>ram:ApplicableHeaderTradeSettlement"`
	}
)

// CII writes inv as a UN/CEFACT Cross Industry Invoice: the XML of
// XRechnung in CII and of Factur-X (EN 16931 profile).
func CII(w io.Writer, inv *pricing.Invoice) error {
	return writeXML(w, ciiOf(newDocument(inv)))
}

func ciiOf(e *document) *ciiDocument {
	amt := func(v decimal.Decimal) ciiAmount { return ciiAmount{Value: v.StringFixed(e.places)} }
	day := func(ymd string) ciiDate { return ciiDate{Format: "102", Value: strings.ReplaceAll(ymd, "-", "")} }
	d := &ciiDocument{
		RSM:       "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
		RAM:       "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
		QDT:       "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
		UDT:       "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
		Guideline: e.spec, ID: e.number, Type: e.typeCode, Issued: day(e.issueDate),
		Reference: e.buyerReference, Seller: ciiPartyOf(e.seller), Buyer: ciiPartyOf(e.buyer),
	}
	if e.spec == specXRechnung {
		d.Process = &ciiContext{ID: peppolProcess}
	}
	if e.note != "" {
		d.Note = &ciiNote{Content: e.note}
	}
	for _, l := range e.lines {
		d.Lines = append(d.Lines, ciiLine{ID: l.id, Name: l.name, Price: ciiAmount{Value: l.price},
			Quantity: ciiQuantity{Unit: l.unitCode, Value: l.quantity},
			Tax:      ciiTax{Type: "VAT", Category: l.category, Percent: l.percent},
			Total:    amt(l.amount)})
	}
	s := &d.Settlement
	s.Currency = e.currency
	if p := e.payment; p != nil {
		if !e.credit {
			s.PaymentReference = e.number
		}
		s.Means = &ciiMeans{Type: p.code, Info: p.text}
		if p.iban != "" {
			s.Means.Account = &ciiAccount{IBAN: p.iban, Holder: p.holder}
		}
		if p.bic != "" {
			s.Means.Bank = &ciiBank{BIC: p.bic}
		}
	}
	for _, t := range e.taxes {
		calc, basis := amt(t.tax), amt(t.taxable)
		s.Taxes = append(s.Taxes, ciiTax{Calculated: &calc, Type: "VAT", Reason: t.reason, Basis: &basis,
			Category: t.category, ReasonCode: t.reasonCode, Percent: t.percent})
	}
	s.Start, s.End = day(e.periodStart), day(e.periodEnd)
	if e.paymentTerms != "" || e.dueDate != "" {
		s.Terms = &ciiTerms{Description: e.paymentTerms}
		if e.dueDate != "" {
			due := day(e.dueDate)
			s.Terms.Due = &due
		}
	}
	taxTotal := amt(e.taxTotal)
	taxTotal.Currency = e.currency
	s.Summation = ciiSummation{Lines: amt(e.lineTotal), Basis: amt(e.lineTotal.Sub(e.allowanceTotal)), Tax: []ciiAmount{taxTotal}, Grand: amt(e.grandTotal), Payable: amt(e.grandTotal)}
	s.Allowances, s.Summation.Allowances = ciiAllowances(e, amt)
	if h := e.home; h != nil {
		// BT-6 and BT-111: the VAT total in the accounting currency
		s.TaxCurrency = h.currency
		s.Summation.Tax = append(s.Summation.Tax, ciiAmount{Currency: h.currency, Value: h.vat})
	}
	if e.purchaseOrder != "" {
		d.Order = &ciiDocRef{ID: e.purchaseOrder}
	}
	if e.contract != "" {
		d.Contract = &ciiDocRef{ID: e.contract}
	}
	if e.corrects != nil {
		s.Referenced = &ciiReferenced{ID: e.corrects.Number, Date: day(e.corrects.IssueDate)}
	}
	return d
}

// ciiAllowances are e's document-level allowances and their total (nil
// without any).
func ciiAllowances(e *document, amt func(decimal.Decimal) ciiAmount) ([]ciiAllowance, *ciiAmount) {
	if len(e.allowances) == 0 {
		return nil, nil
	}
	var out []ciiAllowance
	for _, a := range e.allowances {
		ca := ciiAllowance{Percent: a.percent, Amount: amt(a.amount),
			ReasonCode: a.code, Reason: a.reason, Tax: ciiTax{Type: "VAT", Category: a.category, Percent: a.taxPercent}}
		if a.percent != "" {
			basis := amt(a.base)
			ca.Basis = &basis
		}
		out = append(out, ca)
	}
	total := amt(e.allowanceTotal)
	return out, &total
}

func ciiPartyOf(p party) ciiParty {
	c := ciiParty{Name: p.name, Description: p.legalInfo,
		Address: ciiAddress{Postcode: p.postcode, City: p.city, Country: p.country, Region: p.region}}
	switch id := p.identifier; {
	case id == nil:
	case id.Scheme == "":
		c.ID = id.ID
	default:
		c.GlobalID = &ciiID{Scheme: id.Scheme, Value: id.ID}
	}
	if p.registration != "" {
		c.Legal = &ciiID{Value: p.registration}
	}
	if p.contact != nil {
		c.Contact = &ciiContact{Name: p.contact.Name, Phone: p.contact.Phone, Email: p.contact.Email}
	}
	if len(p.street) > 0 {
		c.Address.Line1 = p.street[0]
	}
	if len(p.street) > 1 {
		c.Address.Line2 = p.street[1]
	}
	if len(p.street) > 2 {
		c.Address.Line3 = p.street[2]
	}
	if p.endpoint != nil {
		c.Endpoint = &ciiID{Scheme: p.endpoint.Scheme, Value: p.endpoint.ID}
	}
	if p.vatID != "" {
		c.Registration = append(c.Registration, ciiRegistration{ciiID{Scheme: "VA", Value: p.vatID}})
	}
	if p.taxNumber != "" {
		c.Registration = append(c.Registration, ciiRegistration{ciiID{Scheme: "FC", Value: p.taxNumber}})
	}
	return c
}
