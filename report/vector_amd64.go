//go:build !purego

package report

import "golang.org/x/sys/cpu"

// useVector says whether interior may use the vector kernel. Tests and
// benchmarks turn it off to compare the two paths.
var useVector = cpu.X86.HasAVX512F

// vectorBlocks runs the vector kernel over k's blocks of rows.
//
//go:noescape
func vectorBlocks(k *vblock)
