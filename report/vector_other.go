//go:build !amd64 || purego

package report

// Without the assembly kernel, everything takes the scalar kernels.
var useVector = false

func vectorBlocks(k *vblock) { panic("report: no vector kernel") }
