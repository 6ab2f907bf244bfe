//go:build !purego

#include "textflag.h"
#include "go_asm.h"

#define COL(c) (c*const_vecColBytes)

// KEEP stores the keys in vector keys that count (mask) and are at or
// above the bound in vector bound (predicate 5, not less than) at ptr,
// packed, and moves ptr past them.
// It uses K5, Z23 and BX.
#define KEEP(keys, bound, mask, ptr) \
	VPCMPQ      $5, bound, keys, mask, K5; \
	VPCOMPRESSQ keys, K5, Z23; \
	VMOVDQU64   Z23, (ptr); \
	KMOVW       K5, BX; \
	POPCNTL     BX, BX; \
	LEAQ        (ptr)(BX*8), ptr

// KNOWNSUM loads the block of a metric of two DS (R9, and AX past it)
// and leaves in Z16 the sum of the known members, an unknown one as 0,
// and in K2 the lanes where either is known. It uses K3 and Z17.
#define KNOWNSUM \
	VMOVAPD   (R9), Z16; \
	VMOVAPD   (R9)(AX*1), Z17; \
	VCMPPD    $7, Z16, Z16, K2; \
	VCMPPD    $7, Z17, Z17, K3; \
	VMOVAPD.Z Z16, K2, Z16; \
	VMOVAPD.Z Z17, K3, Z17; \
	VADDPD    Z17, Z16, Z16; \
	KORW      K2, K3, K2

// TALLY adds the values in Z16 that count (in lanes K2, and at most the
// limit Z18, so not NaN) to the sums Z19 and counts Z20, and counts those
// above the limit as spikes in Z21. It uses K3 and K4.
#define TALLY \
	VCMPPD $0x12, Z18, Z16, K2, K3; \
	VCMPPD $0x1e, Z18, Z16, K2, K4; \
	VADDPD Z16, Z19, K3, Z19; \
	VPADDQ Z30, Z20, K3, Z20; \
	VPADDQ Z30, Z21, K4, Z21

// NEXT moves R9 to the next block and loops to label until DX.
#define NEXT(label) \
	ADDQ $64, R9; \
	CMPQ R9, DX; \
	JNE  label

// COUNT adds the number of set bits of mask to the quadword at mem.
#define COUNT(mask, mem) \
	KMOVW   mask, BX; \
	POPCNTL BX, BX; \
	ADDQ    BX, mem

// func vectorBlocks(k *vblock)
//
// vector.go says what this computes. For each chunk of up to vecChunk
// blocks of 8 rows:
//
// 1. Each block's rows are loaded (the values past nds masked to 0) and
//    turned into 8 columns (lane j of column c = value c of row j), stored
//    in k.cols.
// 2. The bandwidth keys of the in and out columns are compared with the
//    bounds, and the kept ones packed and stored 8 at a time. (Done in
//    step 1, right after the columns were stored, the loads of in and out
//    waited on those stores: 15.3 µs for a month's rows, 13.6 here.)
// 3. Each metric walks down its column (or the sum of its two, an unknown
//    member as 0) with its 8 sums, per-lane counts and limit in
//    registers, adding where the value counts.
//
// Registers throughout:
//	DI k; SI the next row; CX blocks left after the chunk; R14 the
//	chunk's blocks; R8 the 64-byte aligned columns; R13 metrics
//	R10, R11, R12 where the next in, out, max key goes
//	K1 the values of a row to load
//	Z24 key(-Inf); Z25, Z26 in's and out's key limits (less key(-Inf))
//	Z27, Z28, Z29 the band bounds of in, out and max; Z30 1s
// In step 1: DX bytes per row; BX blocks left in the chunk; R9 the
// block's place in column 0.
// In steps 2 and 3: R9 the block in the first column (in, or the
// metric's); AX from there to the second (out, or the metric's other);
// DX the end of the first; BX scratch in step 2, the metric in step 3.
// Step 2 works in Z20-Z23 and K2-K5; step 3 keeps the metric's limit in
// Z18, its sums in Z19, its counts in Z20 and its spikes in Z21.
TEXT ·vectorBlocks(SB), NOSPLIT, $0-8
	MOVQ  k+0(FP), DI
	MOVQ  vblock_vals(DI), SI
	MOVQ  vblock_blocks(DI), CX
	MOVQ  vblock_nm(DI), R13
	MOVQ  vblock_mask(DI), AX
	KMOVW AX, K1
	LEAQ  (vblock_cols+63)(DI), R8
	ANDQ  $-64, R8
	MOVQ  (vblock_band+0)(DI), R10
	MOVQ  (vblock_band+8)(DI), R11
	MOVQ  (vblock_band+16)(DI), R12
	MOVQ  $-0x7ff0000000000001, AX
	VPBROADCASTQ AX, Z24
	VPBROADCASTQ vblock_ri(DI), Z25
	VPBROADCASTQ vblock_ro(DI), Z26
	VPBROADCASTQ (vblock_lo+0)(DI), Z27
	VPBROADCASTQ (vblock_lo+8)(DI), Z28
	VPBROADCASTQ (vblock_lo+16)(DI), Z29
	MOVQ  $1, AX
	VPBROADCASTQ AX, Z30
	TESTQ CX, CX
	JZ    done

chunk:
	MOVQ    $const_vecChunk, R14
	CMPQ    CX, R14
	CMOVQLT CX, R14
	SUBQ    R14, CX
	MOVQ    vblock_stride(DI), DX
	MOVQ    R8, R9
	MOVQ    R14, BX

block:
	// rows a..h of the block
	VMOVUPD.Z (SI), K1, Z0
	VMOVUPD.Z (SI)(DX*1), K1, Z1
	LEAQ      (SI)(DX*2), SI
	VMOVUPD.Z (SI), K1, Z2
	VMOVUPD.Z (SI)(DX*1), K1, Z3
	LEAQ      (SI)(DX*2), SI
	VMOVUPD.Z (SI), K1, Z4
	VMOVUPD.Z (SI)(DX*1), K1, Z5
	LEAQ      (SI)(DX*2), SI
	VMOVUPD.Z (SI), K1, Z6
	VMOVUPD.Z (SI)(DX*1), K1, Z7
	LEAQ      (SI)(DX*2), SI

	// 8×8 transpose: pairs of rows interleaved (a0 b0 a2 b2 a4 b4 a6 b6
	// and a1 b1 a3 b3 …), then 128-bit pieces gathered twice
	VUNPCKLPD  Z1, Z0, Z8
	VUNPCKHPD  Z1, Z0, Z9
	VUNPCKLPD  Z3, Z2, Z10
	VUNPCKHPD  Z3, Z2, Z11
	VUNPCKLPD  Z5, Z4, Z12
	VUNPCKHPD  Z5, Z4, Z13
	VUNPCKLPD  Z7, Z6, Z14
	VUNPCKHPD  Z7, Z6, Z15
	VSHUFF64X2 $0x88, Z10, Z8, Z0  // a0 b0 a4 b4 c0 d0 c4 d4
	VSHUFF64X2 $0xdd, Z10, Z8, Z1  // a2 b2 a6 b6 c2 d2 c6 d6
	VSHUFF64X2 $0x88, Z11, Z9, Z2  // a1 b1 a5 b5 c1 d1 c5 d5
	VSHUFF64X2 $0xdd, Z11, Z9, Z3  // a3 b3 a7 b7 c3 d3 c7 d7
	VSHUFF64X2 $0x88, Z14, Z12, Z4 // the same of rows e..h
	VSHUFF64X2 $0xdd, Z14, Z12, Z5
	VSHUFF64X2 $0x88, Z15, Z13, Z6
	VSHUFF64X2 $0xdd, Z15, Z13, Z7
	VSHUFF64X2 $0x88, Z4, Z0, Z8   // column 0
	VSHUFF64X2 $0xdd, Z4, Z0, Z12  // column 4
	VSHUFF64X2 $0x88, Z5, Z1, Z10  // column 2
	VSHUFF64X2 $0xdd, Z5, Z1, Z14  // column 6
	VSHUFF64X2 $0x88, Z6, Z2, Z9   // column 1
	VSHUFF64X2 $0xdd, Z6, Z2, Z13  // column 5
	VSHUFF64X2 $0x88, Z7, Z3, Z11  // column 3
	VSHUFF64X2 $0xdd, Z7, Z3, Z15  // column 7
	VMOVAPD    Z8, COL(0)(R9)
	VMOVAPD    Z9, COL(1)(R9)
	VMOVAPD    Z10, COL(2)(R9)
	VMOVAPD    Z11, COL(3)(R9)
	VMOVAPD    Z12, COL(4)(R9)
	VMOVAPD    Z13, COL(5)(R9)
	VMOVAPD    Z14, COL(6)(R9)
	VMOVAPD    Z15, COL(7)(R9)

nextblock:
	ADDQ $64, R9
	DECQ BX
	JNZ  block

	// step 2
	// the bandwidth: R9 the block in column in, AX from there to out,
	// DX the end
	CMPQ vblock_bw(DI), $0
	JEQ  metrics
	MOVQ vblock_ci(DI), R9
	ADDQ R8, R9
	MOVQ R14, DX
	SHLQ $6, DX
	ADDQ R9, DX
	MOVQ vblock_co(DI), AX
	SUBQ vblock_ci(DI), AX

bandwidth:
	VMOVDQA64 (R9), Z20
	VMOVDQA64 (R9)(AX*1), Z21

	// order keys: k = b ^ (uint64(b>>63) >> 1)
	VPSRAQ $63, Z20, Z22
	VPSRLQ $1, Z22, Z22
	VPXORQ Z22, Z20, Z20
	VPSRAQ $63, Z21, Z23
	VPSRLQ $1, Z23, Z23
	VPXORQ Z23, Z21, Z21

	// K2, K3: in, out counts (key in [key(-Inf), key(limit)]); K4: either
	VPSUBQ  Z24, Z20, Z22
	VPCMPUQ $2, Z25, Z22, K2
	VPSUBQ  Z24, Z21, Z23
	VPCMPUQ $2, Z26, Z23, K3
	KORW    K2, K3, K4

	// the counted keys at or above the bound, packed and stored
	KEEP(Z20, Z27, K2, R10)
	KEEP(Z21, Z28, K3, R11)

	// the larger direction, one that does not count taken as 0 (key 0)
	VMOVDQA64.Z Z20, K2, Z22
	VMOVDQA64.Z Z21, K3, Z23
	VPMAXSQ     Z23, Z22, Z22
	KEEP(Z22, Z29, K4, R12)

	COUNT(K2, (vblock_ok+0)(DI))
	COUNT(K3, (vblock_ok+8)(DI))
	COUNT(K4, (vblock_ok+16)(DI))
	NEXT(bandwidth)

metrics:

	XORQ  BX, BX
	TESTQ R13, R13
	JZ    chunkend

metric:
	MOVQ         BX, AX
	SHLQ         $6, AX
	VMOVUPD      vblock_lane(DI)(AX*1), Z19
	VMOVDQU64    vblock_cnt(DI)(AX*1), Z20
	VMOVDQU64    vblock_spikes(DI)(AX*1), Z21
	VBROADCASTSD vblock_lim(DI)(BX*8), Z18
	MOVQ         vblock_ca(DI)(BX*8), R9
	ADDQ         R8, R9
	MOVQ         R14, DX
	SHLQ         $6, DX
	ADDQ         R9, DX
	MOVQ         vblock_cb(DI)(BX*8), AX
	SUBQ         vblock_ca(DI)(BX*8), AX
	CMPQ         vblock_limited(DI)(BX*8), $0
	JEQ          free
	CMPQ         vblock_two(DI)(BX*8), $0
	JEQ          one

two:
	KNOWNSUM
	TALLY
	NEXT(two)
	JMP metricend

one:
	KXNORW K2, K2, K2 // every lane may count

oneloop:
	VMOVAPD (R9), Z16
	TALLY
	NEXT(oneloop)
	JMP metricend

free:
	// no limit, so no spikes: a value counts when it is not NaN
	CMPQ vblock_two(DI)(BX*8), $0
	JEQ  onefree

twofree:
	KNOWNSUM
	VCMPPD    $0x12, Z18, Z16, K2, K3 // not NaN: +Inf + -Inf is
	VADDPD    Z16, Z19, K3, Z19
	VPADDQ    Z30, Z20, K3, Z20
	NEXT(twofree)
	JMP       metricend

onefree:
	VMOVAPD (R9), Z16
	VCMPPD  $7, Z16, Z16, K3
	VADDPD  Z16, Z19, K3, Z19
	VPADDQ  Z30, Z20, K3, Z20
	NEXT(onefree)

metricend:
	MOVQ      BX, AX
	SHLQ      $6, AX
	VMOVUPD   Z19, vblock_lane(DI)(AX*1)
	VMOVDQU64 Z20, vblock_cnt(DI)(AX*1)
	VMOVDQU64 Z21, vblock_spikes(DI)(AX*1)
	INCQ      BX
	CMPQ      BX, R13
	JLT       metric

chunkend:
	TESTQ CX, CX
	JNZ   chunk
	MOVQ  R10, (vblock_band+0)(DI)
	MOVQ  R11, (vblock_band+8)(DI)
	MOVQ  R12, (vblock_band+16)(DI)

done:
	VZEROUPPER
	RET
