// mmu.h — the bits of the AArch64 VMSA that Keel uses: memory attributes (MAIR_EL1),
// translation control (TCR_EL1), system control (SCTLR_EL1) and the fields of a stage-1
// descriptor with the 4 KiB granule.  References: Arm ARM D8 ("The AArch64 Virtual Memory
// System Architecture"), D8.3 (descriptor formats), D8.5 (memory attributes), D19.2 (registers).
#ifndef KEEL_MMU_H
#define KEEL_MMU_H

// --- MAIR_EL1: up to eight memory types; a descriptor's AttrIndx picks one (D19.2.97).
#define MAIR_IDX_DEVICE 0    // Device-nGnRE: no gathering, no reordering, early write ack
#define MAIR_IDX_NORMAL 1    // Normal, inner+outer write-back, read+write allocate
#define MAIR_IDX_NORMAL_NC 2 // Normal, non-cacheable
#define MAIR_DEVICE_nGnRE 0x04UL
#define MAIR_NORMAL_WB 0xFFUL
#define MAIR_NORMAL_NC 0x44UL
#define MAIR_VALUE                                                                                 \
    ((MAIR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE)) | (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)) |    \
     (MAIR_NORMAL_NC << (8 * MAIR_IDX_NORMAL_NC)))

// --- TCR_EL1 (D19.2.139): 39-bit VAs in both halves, 4 KiB granule, cacheable walks.
#define TCR_T0SZ (64 - 39)           // lower half: 0 .. 2^39 - 1
#define TCR_T1SZ ((64UL - 39) << 16) // upper half: 2^64 - 2^39 .. 2^64 - 1
#define TCR_IRGN0_WBWA (1UL << 8)    // walks of TTBR0 tables use inner write-back cache
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_TG0_4K (0UL << 14)
#define TCR_IRGN1_WBWA (1UL << 24)
#define TCR_ORGN1_WBWA (1UL << 26)
#define TCR_SH1_INNER (3UL << 28)
#define TCR_TG1_4K (2UL << 30)    // note: TG1 encodes 4 KiB as 0b10, unlike TG0
#define TCR_IPS_40BIT (2UL << 32) // physical addresses up to 1 TiB
#define TCR_VALUE                                                                                  \
    (TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | TCR_T1SZ |          \
     TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K | TCR_IPS_40BIT)

// --- SCTLR_EL1 (D19.2.118).
#define SCTLR_M (1UL << 0)   // stage-1 translation on
#define SCTLR_A (1UL << 1)   // alignment checks on every access (Keel leaves this off)
#define SCTLR_C (1UL << 2)   // data cache on
#define SCTLR_SA (1UL << 3)  // SP must be 16-byte aligned when used for a load or store at EL1
#define SCTLR_SA0 (1UL << 4) // ... and at EL0
#define SCTLR_I (1UL << 12)  // instruction cache on
#define SCTLR_RES1                                                                                 \
    ((1UL << 11) | (1UL << 20) | (1UL << 22) | (1UL << 23) | (1UL << 28) | (1UL << 29))

// --- Stage-1 descriptors, 4 KiB granule (D8.3.1, D8.3.2).
#define DESC_VALID (1UL << 0)
#define DESC_TABLE (1UL << 1) // at levels 0-2: points to a next-level table
#define DESC_BLOCK (0UL << 1) // at levels 1-2: maps a whole 1 GiB / 2 MiB block
#define DESC_PAGE (1UL << 1)  // at level 3: maps one 4 KiB page
#define DESC_ATTRINDX(i) ((unsigned long)(i) << 2) // which MAIR_EL1 entry
#define DESC_ATTRINDX_MASK (7UL << 2)
#define DESC_AP_RW_EL1 (0UL << 6) // AP[2:1]: EL1 read/write, EL0 none
#define DESC_AP_RW_ALL (1UL << 6) // EL1 and EL0 read/write
#define DESC_AP_RO_EL1 (2UL << 6) // EL1 read-only, EL0 none
#define DESC_AP_RO_ALL (3UL << 6) // EL1 and EL0 read-only
#define DESC_AP_MASK (3UL << 6)
#define DESC_SH_INNER (3UL << 8)            // inner shareable
#define DESC_AF (1UL << 10)                 // access flag: without it the first access faults
#define DESC_NG (1UL << 11)                 // not global: the TLB entry belongs to one ASID
#define DESC_PXN (1UL << 53)                // never executable at EL1
#define DESC_UXN (1UL << 54)                // never executable at EL0
#define DESC_ADDR_MASK 0x0000FFFFFFFFF000UL // output address bits [47:12]
// Bits 58..55 of a page descriptor are for software (Arm ARM D8.3.2).  Keel marks a page
// whose frame the address space does not own (device registers, from lab 5): unmapping or
// destroying the space must not free it.
#define DESC_NOT_OWNED (1UL << 55)

#endif
