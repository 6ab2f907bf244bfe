package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/billrun/billrun/internal/currency"
	"github.com/shopspring/decimal"
)

// allowanceReasons are the UNCL 5189 codes EN 16931 allows for a
// document-level allowance (BT-98), with what each means.
var allowanceReasons = map[string]string{
	"41": "bonus for works ahead of schedule", "42": "other bonus", "60": "manufacturer's consumer discount",
	"62": "due to military status", "63": "due to work accident", "64": "special agreement",
	"65": "production error discount", "66": "new outlet discount", "67": "sample discount",
	"68": "end-of-range discount", "70": "incoterm discount", "71": "point of sales threshold allowance",
	"88": "material surcharge/deduction", "95": "discount", "100": "special rebate", "102": "fixed long term",
	"103": "temporary", "104": "standard", "105": "yearly turnover",
}

// checkDiscount checks a plan's or customer's discount, filling in its
// default code (the amount's decimals are checkDealPlaces' business,
// per customer currency).
func checkDiscount(d *Discount) (key string, err error) {
	switch {
	case d.Percent == nil && d.Amount == nil, d.Percent != nil && d.Amount != nil:
		return "", errors.New("give either percent or amount")
	case d.Percent != nil && (!d.Percent.IsPositive() || d.Percent.GreaterThan(hundred)):
		return "percent", fmt.Errorf("%s is not in (0, 100]", d.Percent)
	case d.Amount != nil && !d.Amount.IsPositive():
		return "amount", fmt.Errorf("%s must be > 0", d.Amount)
	case strings.TrimSpace(d.Reason) == "" || utf8.RuneCountInString(d.Reason) > 60 || strings.ContainsFunc(d.Reason, unicode.IsControl):
		return "reason", fmt.Errorf("%.40q: 1 to 60 characters on one line, printed beside the discount (BT-97)", d.Reason)
	}
	if d.Code == "" {
		d.Code = "95"
	}
	if _, ok := allowanceReasons[d.Code]; !ok {
		return "code", fmt.Errorf("%q is not a UNCL 5189 allowance reason EN 16931 allows (95 discount, 100 special rebate, 102 fixed long term, 104 standard, …)", d.Code)
	}
	return "", nil
}

// checkDeal checks a customer's own price, discount and charges.
func checkDeal(cu *Customer) (key string, err error) {
	if p := cu.Price; p != nil {
		if p.MonthlyFee == nil && len(p.Metrics) == 0 {
			return "price", errors.New("give monthly_fee or metrics (or leave price out)")
		}
		if p.MonthlyFee != nil && p.MonthlyFee.IsNegative() {
			return "price.monthly_fee", fmt.Errorf("%s must be >= 0", p.MonthlyFee)
		}
		for _, name := range slices.Sorted(maps.Keys(p.Metrics)) {
			m := p.Metrics[name]
			if m.Unit == "" {
				return "price.metrics." + name + ".unit", errors.New("required")
			}
			if m.Included.IsNegative() || m.Rate.IsNegative() {
				return "price.metrics." + name, errors.New("included and rate must be >= 0")
			}
		}
	}
	if d := cu.Discount; d != nil {
		if k, err := checkDiscount(d); err != nil {
			return strings.TrimSuffix("discount."+k, "."), err
		}
	}
	for j := range cu.Charges {
		if k, err := checkCharge(&cu.Charges[j]); err != nil {
			return fmt.Sprintf("charges[%d].%s", j, k), err
		}
	}
	return "", nil
}

// checkCharge checks an extra charge's text, amount and periods.
func checkCharge(ch *Charge) (key string, err error) {
	switch {
	case strings.TrimSpace(ch.Description) == "" || len(ch.Description) > 200 || strings.ContainsFunc(ch.Description, unicode.IsControl):
		return "description", fmt.Errorf("%.40q: 1 to 200 characters on one line, the invoice line's text", ch.Description)
	case ch.Amount.IsNegative():
		return "amount", fmt.Errorf("%s must be >= 0 (a credit is a discount or a correction)", ch.Amount)
	}
	if _, err := time.Parse("2006-01", ch.From); err != nil {
		return "from", fmt.Errorf("%q is not a month such as 2026-11 (the first period it is billed in)", ch.From)
	}
	if ch.Until != "" {
		if _, err := time.Parse("2006-01", ch.Until); err != nil || ch.Until <= ch.From {
			return "until", fmt.Errorf("%q is not a month after from %s (the first period it is no longer billed in)", ch.Until, ch.From)
		}
	}
	return "", nil
}

// checkDealPlaces checks that the customer's own amounts, and its plan's
// discount amount, are in whole minor units of its currency.
func (c *Config) checkDealPlaces(i int, cu *Customer) error {
	places := currency.InvoicePlaces(cu.Currency)
	var errs []error
	check := func(key string, d *decimal.Decimal) {
		if d != nil && !d.Equal(d.Round(places)) {
			errs = append(errs, fmt.Errorf("customers[%d].%s: %s has more decimals than its currency %s bills (%d)", i, key, d, cu.Currency, places))
		}
	}
	if p := cu.Price; p != nil {
		check("price.monthly_fee", p.MonthlyFee)
		for _, name := range slices.Sorted(maps.Keys(p.Metrics)) {
			r := p.Metrics[name].Rate
			check("price.metrics."+name+".rate", &r)
		}
	}
	if d := cu.Discount; d != nil {
		check("discount.amount", d.Amount)
	} else if p := c.Plan(cu.Plan); p != nil && p.Discount != nil {
		check("discount.amount (of plan "+p.ID+")", p.Discount.Amount)
	}
	for j := range cu.Charges {
		check(fmt.Sprintf("charges[%d].amount", j), &cu.Charges[j].Amount)
	}
	return errors.Join(errs...)
}
