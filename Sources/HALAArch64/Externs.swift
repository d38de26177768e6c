// Externs.swift: the assembly and C entry points (sysreg.S, vectors.S,
// heap.c) as Swift sees them. Embedded Swift has no inline assembly, so each
// system-register access is a one-instruction function in sysreg.S.

@_extern(c, "kenix_enter_user") func kenix_enter_user(_ context: UnsafeMutableRawPointer, _ info: UnsafeMutableRawPointer)
@_extern(c, "kenix_read_cntvct") func kenix_read_cntvct() -> UInt64
@_extern(c, "kenix_pmu_start_instruction_counter") func kenix_pmu_start_instruction_counter() -> UInt64
@_extern(c, "kenix_read_pmevcntr0") func kenix_read_pmevcntr0() -> UInt64
@_extern(c, "kenix_sync_icache") func kenix_sync_icache(_ va: UInt64, _ length: UInt64)
@_extern(c, "kenix_read_cntfrq") func kenix_read_cntfrq() -> UInt64
@_extern(c, "kenix_write_cntv_cval") func kenix_write_cntv_cval(_ v: UInt64)
@_extern(c, "kenix_write_cntv_ctl") func kenix_write_cntv_ctl(_ v: UInt64)
@_extern(c, "kenix_write_ttbr0") func kenix_write_ttbr0(_ v: UInt64)
@_extern(c, "kenix_tlbi_vae1is") func kenix_tlbi_vae1is(_ v: UInt64)
@_extern(c, "kenix_tlbi_aside1is") func kenix_tlbi_aside1is(_ v: UInt64)
@_extern(c, "kenix_dsb_ishst") func kenix_dsb_ishst()
@_extern(c, "kenix_dmb_oshst") func kenix_dmb_oshst()
@_extern(c, "kenix_dmb_oshld") func kenix_dmb_oshld()
@_extern(c, "kenix_dmb_osh") func kenix_dmb_osh()
@_extern(c, "kenix_wfi") func kenix_wfi()
@_extern(c, "kenix_icc_sre_enable") func kenix_icc_sre_enable() -> UInt64
@_extern(c, "kenix_icc_write_pmr") func kenix_icc_write_pmr(_ v: UInt64)
@_extern(c, "kenix_icc_write_bpr1") func kenix_icc_write_bpr1(_ v: UInt64)
@_extern(c, "kenix_icc_write_ctlr") func kenix_icc_write_ctlr(_ v: UInt64)
@_extern(c, "kenix_icc_write_igrpen1") func kenix_icc_write_igrpen1(_ v: UInt64)
@_extern(c, "kenix_icc_read_iar1") func kenix_icc_read_iar1() -> UInt64
@_extern(c, "kenix_icc_write_eoir1") func kenix_icc_write_eoir1(_ v: UInt64)
@_extern(c, "kenix_psci_hvc") func kenix_psci_hvc(_ fn: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64
@_extern(c, "kenix_psci_smc") func kenix_psci_smc(_ fn: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64
@_extern(c, "kenix_read_esr") func kenix_read_esr() -> UInt64
@_extern(c, "kenix_read_far") func kenix_read_far() -> UInt64
@_extern(c, "kenix_read_elr") func kenix_read_elr() -> UInt64
@_extern(c, "kenix_read_current_el") func kenix_read_current_el() -> UInt64
@_extern(c, "kenix_read_fp") func kenix_read_fp() -> UInt64
@_extern(c, "kenix_addr_boot_l1") func kenix_addr_boot_l1() -> UInt64
@_extern(c, "kenix_addr_image_start") func kenix_addr_image_start() -> UInt64
@_extern(c, "kenix_addr_image_end") func kenix_addr_image_end() -> UInt64
@_extern(c, "kenix_addr_stack_bottom") func kenix_addr_stack_bottom() -> UInt64
@_extern(c, "kenix_addr_ksyms") func kenix_addr_ksyms() -> UInt64
@_extern(c, "kenix_heap_used_kb") func kenix_heap_used_kb() -> Int
@_extern(c, "kenix_read_id_aa64pfr0") func kenix_read_id_aa64pfr0() -> UInt64
@_extern(c, "kenix_read_mpidr") func kenix_read_mpidr() -> UInt64
