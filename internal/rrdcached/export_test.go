package rrdcached

import "strings"

// ParseFetchForTest exposes the FETCH parser to the fuzz target.
func ParseFetchForTest(s string) { parseFetch(strings.Split(s, "\n")) }
