package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/pricing"
)

// heldReasons are, per customer, the reasons a person should look at its
// drafts before they are issued: every problem the run noted that names
// the customer or one of the files its figures come from (a coverage
// below review_coverage, a dropped counter reset, minutes without uptime
// data, an input last updated before the period's end, text the PDF
// cannot set). Blocking problems are not among them: their customers get
// no draft.
func heldReasons(cfg *config.Config, problems []pricing.Problem) map[string][]string {
	users := fileUsers(cfg)
	out := map[string][]string{}
	for _, p := range problems {
		if p.Blocking {
			continue
		}
		why := p.Reason()
		switch {
		case p.CustomerID != "":
			out[p.CustomerID] = append(out[p.CustomerID], why)
		case p.File != "":
			for _, id := range users[p.File] {
				out[id] = append(out[id], p.File+": "+why)
			}
		}
	}
	return out
}

// fileUsers are the customers whose figures each file (a VPS's, or its
// host's uptime file) goes into.
func fileUsers(cfg *config.Config) map[string][]string {
	hostFile := hostFiles(cfg)
	out := map[string][]string{}
	add := func(file, id string) {
		if file != "" && !slices.Contains(out[file], id) {
			out[file] = append(out[file], id)
		}
	}
	for _, cu := range cfg.Customers {
		for _, v := range cu.VPS {
			add(v.File, cu.ID)
			add(hostFile[v.Host], cu.ID)
		}
	}
	return out
}

// hostFiles are the hosts' uptime files, by host name.
func hostFiles(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for _, h := range cfg.Hosts {
		out[h.Name] = h.File
	}
	return out
}

// bases makes the basis of each customer of one config: the digest, part
// by part, of what makes its documents — its entry in the config (with
// its VPS, the inventory's too), its plan, the issuer, the tax rates, the
// invoice settings, how figures are measured, and the size of each file
// its figures come from. billrun issue compares a draft's basis with the
// config and files of the moment, so that no draft is issued from a
// config that has changed since: a part that another customer alone uses
// does not count. A file's modification time is not part of it, because
// monitoring writes to the file every minute; its size changes only when
// the file is replaced by one of another layout. The parts every customer
// shares are digested once.
type bases struct {
	shared    map[string]string // part -> digest
	plans     map[string]string // plan id -> digest
	customers map[string]*config.Customer
	hostFile  map[string]string
}

func newBases(cfg *config.Config) *bases {
	b := &bases{shared: map[string]string{
		"issuer":            digestOf(cfg.Issuer),
		"tax":               digestOf(cfg.Tax),
		"invoice settings":  digestOf(cfg.Invoice),
		"measuring figures": digestOf([]any{cfg.Timezone, cfg.Metrics, cfg.UptimeThreshold, cfg.UptimeGaps, cfg.ReviewCoverage}),
	}, plans: map[string]string{}, customers: map[string]*config.Customer{}, hostFile: hostFiles(cfg)}
	for i := range cfg.Plans {
		b.plans[cfg.Plans[i].ID] = digestOf(&cfg.Plans[i])
	}
	for i := range cfg.Customers {
		b.customers[cfg.Customers[i].ID] = &cfg.Customers[i]
	}
	return b
}

// of is customer id's basis; nil for a customer no longer in the config.
func (b *bases) of(id string) map[string]string {
	cu := b.customers[id]
	if cu == nil {
		return nil
	}
	out := maps.Clone(b.shared)
	out["customer "+id] = digestOf(cu)
	out["plan "+cu.Plan] = b.plans[cu.Plan]
	for _, v := range cu.VPS {
		out["file "+v.File] = digestOf(size(v.File))
		if f := b.hostFile[v.Host]; f != "" {
			out["file "+f] = digestOf(size(f))
		}
	}
	return out
}

// digestOf is the first 16 bytes of the SHA-256 of v's JSON, in hex.
func digestOf(v any) string {
	j, _ := json.Marshal(v) // plain data: cannot fail
	sum := sha256.Sum256(j)
	return hex.EncodeToString(sum[:16])
}

// encodeBasis is a basis as the register keeps it (JSON, keys sorted).
func encodeBasis(b map[string]string) string {
	s, _ := json.Marshal(b)
	return string(s)
}

// changedSince lists the parts of a draft's recorded basis that differ
// from now's, by name; nil when none does. A basis that cannot be read
// (a draft of an earlier billrun, which recorded none) is all changed.
func changedSince(recorded string, now map[string]string) []string {
	if now == nil {
		return []string{"the customer is no longer in the config"}
	}
	var then map[string]string
	if err := json.Unmarshal([]byte(recorded), &then); err != nil || then == nil {
		return []string{"drafted by an earlier billrun, which did not record what made the draft"}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(now)) {
		if then[k] != now[k] {
			out = append(out, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(then)) {
		if _, ok := now[k]; !ok {
			out = append(out, k+" (no longer used)")
		}
	}
	return out
}

// StaleError is billrun issue's refusal of drafts whose config or input
// files changed since billrun run drafted them.
type StaleError struct {
	Period string
	Stale  map[string][]string // customer id -> what changed
}

func (e *StaleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: not issued: drafted from another config or other files than now's; run billrun run --period %s again:", e.Period, e.Period)
	for _, id := range slices.Sorted(maps.Keys(e.Stale)) {
		fmt.Fprintf(&b, "\n  customer %s: %s changed", id, strings.Join(e.Stale[id], ", "))
	}
	return b.String()
}

// pricedBy names the version of each price and rate that prices cu's
// invoice for the period labelled label under cfg (the config at the
// period's start): its plan, its own price and discount and the charges
// due, the domestic rate, and the consumer rate of its country if there
// is one.
func pricedBy(cfg *config.Config, cu *config.Customer, label string) map[string]pricing.PriceVersion {
	out := map[string]pricing.PriceVersion{}
	if p := cfg.Plan(cu.Plan); p != nil {
		out["plan "+p.ID] = pricing.PriceVersion{ValidFrom: p.ValidFrom, Digest: digestOf(p)}
	}
	// the customer's own terms price like a plan: changed in place, they
	// reprice an issued period only with --reprice
	if cu.Price != nil || cu.Discount != nil {
		out["customer "+cu.ID+" price"] = pricing.PriceVersion{Digest: digestOf([]any{cu.Price, cu.Discount})}
	}
	var due []config.Charge
	for _, ch := range cu.Charges {
		if ch.In(label) {
			due = append(due, ch)
		}
	}
	if len(due) > 0 {
		out["customer "+cu.ID+" charges"] = pricing.PriceVersion{Digest: digestOf(due)}
	}
	country := cu.Country
	out["tax.rate"] = pricing.PriceVersion{ValidFrom: cfg.Tax.ValidFrom["tax.rate"], Digest: digestOf(cfg.Tax.Rate)}
	if r, ok := cfg.Tax.ConsumerRates[country]; ok {
		key := "tax.consumer_rates." + country
		out[key] = pricing.PriceVersion{ValidFrom: cfg.Tax.ValidFrom[key], Digest: digestOf(r)}
	}
	return out
}
