// Package config loads billrun's YAML configuration: where the RRD files
// are, which VPS and hosts to report on, the metric definitions and the
// time zone, so monthly runs need no long command lines.
//
// Decoding is strict: an unknown key is an error naming the key and line.
// Every error names the file and the key path. Relative file names resolve
// against rrd_dir, and a relative rrd_dir against the config file's
// directory.
package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/image/font/sfnt"

	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/period"
	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Config is a loaded configuration.
type Config struct {
	Timezone string `yaml:"timezone"`
	RRDDir   string `yaml:"rrd_dir"`
	Daemon   string `yaml:"daemon"`
	// RRDCachedTimeout bounds a run's traffic with rrdcached (a Go
	// duration, default 60s): a daemon silent that long ends the run.
	RRDCachedTimeout string `yaml:"rrdcached_timeout"`
	// AllowOutsideRRDDir lets VPS and host files lie outside rrd_dir (an
	// absolute path elsewhere, ../, a symlink out of it). Without it such
	// a file is a config error: a typo or a hostile inventory does not
	// bill whatever file it names.
	AllowOutsideRRDDir bool     `yaml:"allow_outside_rrd_dir"`
	UptimeThreshold    *float64 `yaml:"uptime_threshold"`
	// UptimeGaps: what the seconds a host's uptime file has no data for
	// count as: "evidence" (the default: down where none of the host's
	// VPS has data either, unmonitored and left out where one has), "down"
	// (all down: monitoring that went down with its host shows no data,
	// and LibreNMS and Observium count an unreachable host as down) or
	// "ignore" (left out of the mean, as rrdtool's AVERAGE does).
	UptimeGaps string   `yaml:"uptime_gaps"`
	Metrics    []Metric `yaml:"metrics"`
	Hosts      []Host   `yaml:"hosts"`
	VPS        []VPS    `yaml:"vps"`
	// Inventory is a CSV file of VPS (customer, vps, file, host, from,
	// until) added to the vps list and the customers': a large fleet's
	// list kept out of the YAML.
	Inventory string `yaml:"inventory"`

	// Scheduled runs.
	Schedule string `yaml:"schedule"` // cron spec, default "0 3 1 * *"
	Lookback int    `yaml:"lookback"` // periods the daemon catches up at most, default 3
	// BillingStart is the first period billed (a label: 2026-10): the
	// scheduler bills nothing that ends before its start. Unset, it bills
	// nothing that ends before the VPS files' data begins.
	BillingStart string `yaml:"billing_start"`

	// Billing (invoices).
	StateDir       string   `yaml:"state_dir"`
	OutDir         string   `yaml:"out_dir"`
	ReviewCoverage *float64 `yaml:"review_coverage"`
	Issuer         Issuer   `yaml:"issuer"`
	// ExchangeRates is the ECB's eurofxref-hist.csv, which the operator
	// keeps current: VAT of an invoice in another currency than
	// issuer.currency is also stated in it at the rate of the tax point.
	ExchangeRates string          `yaml:"exchange_rates"`
	Tax           TaxSettings     `yaml:"tax"`
	Invoice       InvoiceSettings `yaml:"invoice"`
	Issue         IssueSettings   `yaml:"issue"`
	Plans         []Plan          `yaml:"plans"`
	Customers     []Customer      `yaml:"customers"`

	// Delivery (billrun send).
	SMTP *SMTP        `yaml:"smtp"`
	Send SendSettings `yaml:"send"`

	path          string
	digest        string
	loc           *time.Location
	start         time.Time         // billing_start's start
	daemonTimeout time.Duration     // rrdcached_timeout
	remote        map[string]string // host name -> its rrdcached, for remote hosts
	hosts         map[string]bool   // the hosts' names
	plans         map[string]bool   // the plans' ids
}

// Metric is a metric definition (see report.Metric).
type Metric struct {
	Name    string   `yaml:"name"`
	DS      []string `yaml:"ds"`
	Kind    string   `yaml:"kind"`
	Unit    string   `yaml:"unit"`
	MaxRate float64  `yaml:"max_rate"`
	// Label is the metric's name on customer documents, by language
	// ({en: "Outbound traffic", de: …}); the seed's six have defaults.
	Label map[string]string `yaml:"label"`
}

// Host is a host node with its uptime RRD.
type Host struct {
	Name string `yaml:"name"`
	File string `yaml:"file"`
	// Daemon is the host's rrdcached (host:port): this host's files (its
	// uptime file and its VPS's files) are read through it with FETCH, and
	// their names are relative to that daemon's base directory.
	Daemon string `yaml:"daemon"`
}

// VPS is one VPS with its RRD file.
type VPS struct {
	Name string `yaml:"name"`
	File string `yaml:"file"` // default <name>.rrd
	Host string `yaml:"host"`
}

// A name (VPS, host) is 1 to 128 of [A-Za-z0-9._-], starting with a
// letter or digit; an ID (customer, plan) the same, 1 to 64. Checked by
// hand, so that no start pays for compiling the equivalent regexps.
func validName(s string) bool { return validID(s, 128) }

func validID(s string, max int) bool {
	if len(s) == 0 || len(s) > max || !alnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	b, err := inputfile.ReadFile(path, MaxBytes)
	if err != nil {
		return nil, err
	}
	return parseFile(path, b)
}

// MaxFontBytes bounds the invoice font (DroidSansFallbackFull.ttf, with
// every CJK glyph, is 4 MB).
const MaxFontBytes = 64 << 20

// MaxBytes bounds the YAML file: yaml.v3 holds some 25 bytes of parse tree
// per byte, so 8 MiB (about 40,000 VPS written inline) peaks near 200 MB.
// A larger fleet lists its VPS in the inventory CSV, which is streamed.
const MaxBytes = 8 << 20

// parseFile is Load of the bytes b read from path.
func parseFile(path string, b []byte) (*Config, error) {
	// Absolute paths: outputs (manifests) then name files the same way
	// however the config file itself was named on the command line.
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	c, err := Parse(b, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.path = path
	return c, nil
}

// decode decodes b strictly: an unknown key, a second document, a
// control character in any value and an amount that is not a plain
// decimal are errors naming the line and the key. An empty document is
// the defaults.
func decode(b []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var root, extra yaml.Node
	if err := dec.Decode(&root); errors.Is(err, io.EOF) {
		return &Config{}, nil
	} else if err != nil {
		return nil, yamlError(err)
	}
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: a second YAML document (after ---): a config file holds one", extra.Line)
	}
	if err := checkValues(&root, ""); err != nil {
		return nil, err
	}
	var c Config
	strict := yaml.NewDecoder(bytes.NewReader(b))
	strict.KnownFields(true)
	if err := strict.Decode(&c); err != nil {
		return nil, yamlError(err)
	}
	return &c, nil
}

// amountKeys are the keys whose values are money or rates: decimal
// strings (or plain numbers), never floats.
var amountKeys = map[string]bool{"monthly_fee": true, "included": true, "rate": true, "percent": true,
	"included_mbps": true, "rate_per_mbps": true, "amount": true}

// movedKeys are keys of earlier versions whose meaning moved: an old
// config fails naming the new way rather than billing without its tax.
var movedKeys = map[string]string{
	"password":       "never in the config: smtp.password_file, or $BILLRUN_SMTP_PASSWORD",
	"tax_rate":       "plans no longer carry tax: set tax.rate (the VAT follows each customer's country and VAT ID)",
	"reverse_charge": "no longer set by hand: a customer in another EU state with a vat_id is billed under reverse charge",
}

// plainDecimal is an amount as billrun takes it: at most 15 digits before
// the point and 10 after, no exponent, no NaN or infinity.
var plainDecimal = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,10})?$`)

// checkValues walks the document: no value holds a control character
// (a NUL in a name ends up in documents and file names), and every amount
// is a plain decimal. key is the path to n, as errors name it.
func checkValues(n *yaml.Node, key string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkValues(c, key); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			path := k
			if key != "" {
				path = key + "." + k
			}
			if err := checkValues(n.Content[i+1], path); err != nil {
				return err
			}
			if why, ok := movedKeys[k]; ok && (strings.HasPrefix(key, "plans[") || strings.HasPrefix(key, "customers[") || key == "smtp") {
				return fmt.Errorf("line %d: %s: %s", n.Content[i].Line, path, why)
			}
			if v := n.Content[i+1]; (amountKeys[k] || key == "tax.consumer_rates") && v.Kind == yaml.ScalarNode && !plainDecimal.MatchString(v.Value) {
				return fmt.Errorf("line %d: %s: %q is not a plain decimal amount such as \"20.00\" (at most 15 digits before the point and 10 after)", v.Line, path, v.Value)
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkValues(c, fmt.Sprintf("%s[%d]", key, i)); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		for _, r := range n.Value {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return fmt.Errorf("line %d: %s: a control character (%U) in %q", n.Line, key, r, n.Value)
			}
		}
	}
	return nil
}

var (
	unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)
	badType      = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")
)

// yamlError says yaml.v3's errors in the config's terms: "unknown key
// incuded" rather than "field incuded not found in type
// config.MetricPrice".
func yamlError(err error) error {
	msg := unknownField.ReplaceAllString(err.Error(), `unknown key "$1"`)
	msg = badType.ReplaceAllStringFunc(msg, func(m string) string {
		p := badType.FindStringSubmatch(m)
		want := map[string]string{"int": "a whole number", "float64": "a number", "bool": "true or false", "string": "a string"}[p[3]]
		if want == "" {
			want = "what this key takes (" + strings.TrimPrefix(p[3], "config.") + ")"
		}
		return fmt.Sprintf("%q is not %s", p[2], want)
	})
	return errors.New(strings.TrimPrefix(msg, "yaml: "))
}

// Parse decodes and validates config bytes; relative paths resolve
// against dir.
func Parse(b []byte, dir string) (*Config, error) {
	// An empty file is the defaults.
	c, err := decode(b)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	c.digest = "sha256:" + hex.EncodeToString(sum[:])
	if err := c.validate(dir); err != nil {
		return nil, err
	}
	return c, nil
}

// validate checks the config read from dir, filling in the defaults and
// resolving its file names.
func (c *Config) validate(dir string) error {
	if err := c.checkReports(dir); err != nil {
		return err
	}
	if err := c.checkHosts(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range c.VPS {
		v := &c.VPS[i]
		if seen[v.Name] {
			return fmt.Errorf("vps[%d].name: invalid or duplicate name %q", i, v.Name)
		}
		if err := c.checkVPS(i, v); err != nil {
			return err
		}
		seen[v.Name] = true
	}
	if err := c.validateBilling(seen); err != nil {
		return err
	}
	if c.Inventory != "" {
		c.Inventory = inventoryPath(c.Inventory, dir)
		if err := c.readInventory(c.Inventory, seen); err != nil {
			return err
		}
	}
	if err := c.checkSchedule(); err != nil {
		return err
	}
	font, err := c.checkPaths(dir)
	if err != nil {
		return err
	}
	if err := c.checkLegible(font); err != nil {
		return err
	}
	if err := c.checkMail(dir); err != nil {
		return err
	}
	slices.SortStableFunc(c.VPS, func(a, b VPS) int { return strings.Compare(a.Name, b.Name) })
	return nil
}

// checkReports checks what the figures are computed in and from: the
// zone, the RRD directory, the uptime settings and the metrics.
func (c *Config) checkReports(dir string) error {
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("timezone: unknown zone %q", c.Timezone)
	}
	c.loc = loc
	if c.RRDDir == "" {
		c.RRDDir = "."
	}
	if !filepath.IsAbs(c.RRDDir) {
		c.RRDDir = filepath.Join(dir, c.RRDDir)
	}
	switch c.UptimeGaps {
	case "":
		c.UptimeGaps = "evidence"
	case "down", "ignore", "evidence":
	default:
		return fmt.Errorf("uptime_gaps: %q is not evidence, down or ignore", c.UptimeGaps)
	}
	if c.UptimeThreshold != nil && (*c.UptimeThreshold <= 0 || *c.UptimeThreshold > 100) {
		return fmt.Errorf("uptime_threshold: %v is not in (0, 100]", *c.UptimeThreshold)
	}
	return c.checkMetrics()
}

// checkHosts checks the hosts and resolves their uptime files.
func (c *Config) checkHosts() error {
	hosts := map[string]bool{}
	c.hosts = hosts
	c.remote = map[string]string{}
	for i := range c.Hosts {
		h := &c.Hosts[i]
		if !validName(h.Name) || hosts[h.Name] {
			return fmt.Errorf("hosts[%d].name: invalid or duplicate name %q", i, h.Name)
		}
		hosts[h.Name] = true
		if h.File == "" {
			return fmt.Errorf("hosts[%d].file: missing", i)
		}
		if h.Daemon != "" {
			if filepath.IsAbs(h.File) {
				return fmt.Errorf("hosts[%d].file: %q must be relative to the daemon's base directory", i, h.File)
			}
			c.remote[h.Name] = h.Daemon
			continue
		}
		h.File = c.resolve(h.File)
		if err := c.inside(h.File); err != nil {
			return fmt.Errorf("hosts[%d].file: %v", i, err)
		}
	}
	return nil
}

// checkSchedule checks when the scheduled runs fire and how far back
// they catch up.
func (c *Config) checkSchedule() error {
	c.daemonTimeout = DefaultRRDCachedTimeout
	if c.RRDCachedTimeout != "" {
		d, err := time.ParseDuration(c.RRDCachedTimeout)
		if err != nil || d < time.Second || d > time.Hour {
			return fmt.Errorf("rrdcached_timeout: %q is not a duration from 1s to 1h (60s, 2m)", c.RRDCachedTimeout)
		}
		c.daemonTimeout = d
	}
	if c.Lookback == 0 {
		c.Lookback = 3
	}
	if c.Lookback < 1 || c.Lookback > 120 {
		return fmt.Errorf("lookback: %d is not 1..120", c.Lookback)
	}
	if c.Schedule == "" {
		c.Schedule = "0 3 1 * *"
	}
	if _, err := cron.ParseStandard(c.Schedule); err != nil {
		return fmt.Errorf("schedule: %q: %v", c.Schedule, err)
	}
	if c.BillingStart != "" {
		p, err := period.Parse(c.BillingStart, c.loc)
		if err != nil {
			return fmt.Errorf("billing_start: %v", err)
		}
		c.start = p.Start
	}
	return nil
}

// DefaultRRDCachedTimeout is rrdcached_timeout's default.
const DefaultRRDCachedTimeout = 60 * time.Second

// DaemonTimeout is rrdcached_timeout: how long a run waits for rrdcached.
func (c *Config) DaemonTimeout() time.Duration { return c.daemonTimeout }

// Start is the start of billing_start in the config's zone; zero when
// it is unset.
func (c *Config) Start() time.Time { return c.start }

// checkPaths resolves the state and output directories, the invoice
// font and the exchange rates against dir, and checks that the font is one: it returns it
// parsed, nil when none is configured.
func (c *Config) checkPaths(dir string) (*sfnt.Font, error) {
	for _, d := range []*string{&c.StateDir, &c.OutDir, &c.Invoice.Font, &c.ExchangeRates} {
		if *d != "" && !filepath.IsAbs(*d) {
			*d = filepath.Join(dir, *d)
		}
	}
	if c.Invoice.Font != "" {
		// checked now, before any number is spent: the PDF renderer
		// panics on a file that is not a font
		b, err := inputfile.ReadFile(c.Invoice.Font, MaxFontBytes)
		if err != nil {
			return nil, fmt.Errorf("invoice.font: %w", err)
		}
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("invoice.font: %s is not a TrueType font: %v", c.Invoice.Font, err)
		}
		return f, nil
	}
	return nil, nil
}

// checkVPS checks top-level VPS i, all but the uniqueness of its name,
// and resolves its file.
func (c *Config) checkVPS(i int, v *VPS) error {
	if !validName(v.Name) {
		return fmt.Errorf("vps[%d].name: invalid or duplicate name %q", i, v.Name)
	}
	if v.File == "" {
		v.File = v.Name + ".rrd"
	}
	if c.remote[v.Host] == "" {
		v.File = c.resolve(v.File)
		if err := c.inside(v.File); err != nil {
			return fmt.Errorf("vps[%d].file: %v", i, err)
		}
	}
	if v.Host != "" && !c.hosts[v.Host] {
		return fmt.Errorf("vps[%d].host: no host named %q", i, v.Host)
	}
	return nil
}

// inside says why file, resolved, may not be read: it lies outside
// rrd_dir and allow_outside_rrd_dir is not set.
func (c *Config) inside(file string) error {
	if c.AllowOutsideRRDDir || Within(c.RRDDir, file) {
		return nil
	}
	return fmt.Errorf("%s is outside rrd_dir %s (allow_outside_rrd_dir: true bills it)", file, c.RRDDir)
}

// Within reports whether path lies in dir (both clean, absolute), by name.
func Within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func (c *Config) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.RRDDir, p)
}

// Path is the file the config was loaded from ("" for Parse).
func (c *Config) Path() string { return c.path }

// Location is the configured time zone.
func (c *Config) Location() *time.Location { return c.loc }

// Digest is the SHA-256 of the file's bytes.
func (c *Config) Digest() string { return c.digest }

// checkMetrics checks the metric definitions; none is the seed's six
// (report.DefaultMetrics).
func (c *Config) checkMetrics() error {
	seen := map[string]bool{}
	for i, m := range c.Metrics {
		if !validID(m.Name, 64) || seen[m.Name] {
			return fmt.Errorf("metrics[%d].name: invalid or duplicate name %q", i, m.Name)
		}
		seen[m.Name] = true
		if len(m.DS) == 0 {
			return fmt.Errorf("metrics[%d].ds: %s names no data source", i, m.Name)
		}
		if m.Kind != "counter" && m.Kind != "gauge" {
			return fmt.Errorf("metrics[%d].kind: must be counter or gauge, not %q", i, m.Kind)
		}
		if m.MaxRate < 0 || math.IsNaN(m.MaxRate) || math.IsInf(m.MaxRate, 0) {
			return fmt.Errorf("metrics[%d].max_rate: %v is not a finite number >= 0", i, m.MaxRate)
		}
		for _, lang := range slices.Sorted(maps.Keys(m.Label)) {
			if !locale.Has(lang) {
				return fmt.Errorf("metrics[%d].label.%s: billrun writes no documents in %q (it writes %s)", i, lang, lang, strings.Join(locale.Languages, ", "))
			}
			if l := m.Label[lang]; strings.TrimSpace(l) == "" || len(l) > 100 {
				return fmt.Errorf("metrics[%d].label.%s: %q must be 1 to 100 bytes", i, lang, l)
			}
		}
	}
	return nil
}

// MetricLabel is metric name as a customer reads it in lang: the
// config's label, the seed's default, the config's English label, or
// else the name itself.
func (c *Config) MetricLabel(name, lang string) string {
	var label map[string]string
	for _, m := range c.Metrics {
		if m.Name == name {
			label = m.Label
		}
	}
	if l := label[lang]; l != "" {
		return l
	}
	if l := locale.MetricLabel(lang, name); l != "" {
		return l
	}
	if l := label["en"]; l != "" {
		return l
	}
	return name
}

// NumVPS is the number of VPS, top-level and customers'.
func (c *Config) NumVPS() int {
	n := len(c.VPS)
	for _, cu := range c.Customers {
		n += len(cu.VPS)
	}
	return n
}

// RemoteDaemon is the rrdcached that serves host's files ("" for a
// local host).
func (c *Config) RemoteDaemon(host string) string { return c.remote[host] }
