package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/spf13/pflag"
)

// periodFlags are shared by usage and sla: a calendar period in a zone, or
// an explicit [start, end).
type periodFlags struct {
	period, tz, start, end string
	untilNow               bool
}

func (p *periodFlags) register(f *pflag.FlagSet) {
	f.StringVar(&p.period, "period", "", "billing period: YYYY-MM, YYYY-Www (ISO week) or YYYY-MM-DD")
	f.StringVar(&p.tz, "tz", "", "IANA time zone of --period (default: the config's timezone, else UTC)")
	f.StringVar(&p.start, "start", "", "period start (RFC 3339 or epoch seconds), with --end")
	f.StringVar(&p.end, "end", "", "period end, exclusive (RFC 3339 or epoch seconds)")
	f.BoolVar(&p.untilNow, "until-now", false, "a period not yet ended: report it up to now, and say so (until_now in JSON)")
}

// ended is per if it has ended at now. One that has not is refused, or
// with --until-now cut at now (untilNow true): figures of a period still
// running would read as final.
func (p *periodFlags) ended(per period.Period, now time.Time) (_ period.Period, untilNow bool, err error) {
	if per.Ended(now) {
		return per, false, nil
	}
	span := per.Start.Format(time.RFC3339) + " – " + per.End.Format(time.RFC3339)
	if !p.untilNow {
		return per, false, fmt.Errorf("the period %s has not ended: it ends at %s; only ended periods are reported (--until-now reports it up to now)",
			span, per.End.Format(time.RFC3339))
	}
	cut, err := period.Custom(per.Start, time.Unix(now.Unix(), 0).In(per.Start.Location()))
	if err != nil {
		return per, false, fmt.Errorf("the period %s has not begun", span)
	}
	return cut, true, nil
}

func (p *periodFlags) resolve(cfg *config.Config) (period.Period, error) {
	loc := time.UTC
	if cfg != nil {
		loc = cfg.Location()
	}
	if p.tz != "" {
		l, err := time.LoadLocation(p.tz)
		if err != nil {
			return period.Period{}, usagef("--tz: unknown zone %q", p.tz)
		}
		loc = l
	}
	switch {
	case p.period != "" && (p.start != "" || p.end != ""):
		return period.Period{}, usagef("give --period or --start/--end, not both")
	case p.period != "":
		per, err := period.Parse(p.period, loc)
		if err != nil {
			return period.Period{}, usageError{err}
		}
		return per, nil
	case p.start != "" && p.end != "":
		s, err := parseInstant(p.start, loc)
		if err != nil {
			return period.Period{}, usagef("--start: %v", err)
		}
		e, err := parseInstant(p.end, loc)
		if err != nil {
			return period.Period{}, usagef("--end: %v", err)
		}
		per, err := period.Custom(s, e)
		if err != nil {
			return period.Period{}, usageError{err}
		}
		return per, nil
	}
	return period.Period{}, usagef("give --period, or --start and --end")
}

// parseInstant reads RFC 3339 or epoch seconds.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).In(loc), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor epoch seconds", s)
	}
	return t.In(loc), nil
}

// configPeriod loads the config a billing command requires and resolves
// its required --period in the config's zone: what run and issue start
// with.
func configPeriod(file string, p *periodFlags) (*config.Config, period.Period, error) {
	if file == "" {
		return nil, period.Period{}, usagef("--config is required")
	}
	if p.period == "" {
		return nil, period.Period{}, usagef("--period is required")
	}
	cfg, err := config.Load(file)
	if err != nil {
		return nil, period.Period{}, err
	}
	per, err := p.resolve(cfg)
	return cfg, per, err
}
