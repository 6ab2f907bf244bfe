package rrdfetch

import (
	"strconv"
	"strings"
)

// rpnOps names rrdtool's RPN operators by their numeric code (enum op_en in
// rrd_rpncalc.h, which is part of the file format for COMPUTE data
// sources: the compact RPN stores these codes). Codes without a name here
// are not printable by rrdtool either.
var rpnOps = map[int]string{
	2: "INF", 3: "PREV", 4: "NEGINF", 5: "UNKN", 6: "NOW", 7: "TIME",
	8: "+", 9: "%", 10: "-", 11: "*", 12: "/", 13: "SIN", 14: "DUP", 15: "EXC",
	16: "POP", 17: "COS", 18: "LOG", 19: "EXP", 20: "LT", 21: "LE", 22: "GT",
	23: "GE", 24: "EQ", 25: "IF", 26: "MIN", 27: "MAX", 28: "LIMIT",
	29: "FLOOR", 30: "CEIL", 31: "UN", 33: "LTIME", 34: "NE", 35: "ISINF",
	37: "COUNT", 38: "ATAN", 39: "SQRT", 40: "SORT", 41: "REV", 42: "TREND",
	43: "TRENDNAN", 44: "ATAN2", 45: "RAD2DEG", 46: "DEG2RAD", 47: "PREDICT",
	48: "PREDICTSIGMA", 49: "AVG", 50: "ABS", 51: "ADDNAN", 52: "MINNAN",
	53: "MAXNAN", 54: "MEDIAN", 55: "PREDICTPERC", 56: "DEPTH", 57: "COPY",
	58: "ROLL", 59: "INDEX", 60: "STEPWIDTH", 61: "NEWDAY", 62: "NEWWEEK",
	63: "NEWMONTH", 64: "NEWYEAR", 65: "SMIN", 66: "SMAX", 67: "STDEV",
	68: "PERCENT", 69: "POW",
}

const (
	opNumber    = 0
	opVariable  = 1
	opEnd       = 32
	opPrevOther = 36
)

// decodeCDEF turns the compact RPN of a COMPUTE data source (up to 20
// nodes of {signed char op; short val} in ds_def.par) back into the
// comma-separated expression rrdtool info prints.
func (f *File) decodeCDEF(par []byte) string {
	var parts []string
	for i := 0; i+4 <= len(par); i += 4 {
		op := int(int8(par[i]))
		val := int(int16(f.lay.order.Uint16(par[i+2:])))
		switch op {
		case opEnd:
			return strings.Join(parts, ",")
		case opNumber:
			parts = append(parts, strconv.Itoa(val))
		case opVariable, opPrevOther:
			if val >= 0 && val < len(f.hdr.DS) {
				parts = append(parts, f.hdr.DS[val].Name)
			} else {
				parts = append(parts, "?")
			}
		default:
			if name, ok := rpnOps[op]; ok {
				parts = append(parts, name)
			} else {
				parts = append(parts, "?")
			}
		}
	}
	return strings.Join(parts, ",")
}
