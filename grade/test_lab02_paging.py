"""Lab 2 grader: the frame allocator, page tables and the kernel's W^X address space.

Expected numbers come from the ELF (nm) and the memory size the test chose; what the MMU
itself does with an address is read from the AT instruction's answer, which no software walk
can fake.
"""
import random
import re

import pytest

LAB = 2
TITLE = "paging"
HANDOUT = "handouts/02-paging.md"
KERNBASE = 0xFFFFFF8000000000
RAM_BASE = 0x40000000
PAGE = 4096
MIB = 1 << 20

RUN = re.compile(r"^  ([0-9a-f]{16})-([0-9a-f]{16}) -> ([0-9a-f]{16})  (\S{3} \S{3})  (\S+)\s+\d+ KiB$",
                 re.M)
MEM_LINE = re.compile(r"Physical memory: (\d+) frames of 4 KiB managed .*?, (\d+) free .*?, (\d+) in use")


def expected_total(elf, mem_bytes):
    """Frames from the end of the kernel image (_end, page-aligned) to the end of RAM."""
    kernel_end = (elf.address("_end") - KERNBASE + PAGE - 1) // PAGE * PAGE
    return (RAM_BASE + mem_bytes - kernel_end) // PAGE


def table_frames_bounds(mem_bytes):
    """With 4 KiB pages, the direct map of RAM needs one level-3 table per 2 MiB; add a few
    for the upper levels, the devices and TTBR0's empty table."""
    low = mem_bytes // (2 * MIB)
    return low, low + 32


def parse_runs(text):
    return [(int(a, 16), int(b, 16), int(p, 16), perms, kind)
            for a, b, p, perms, kind in RUN.findall(text)]


def runs_covering(runs, start, end):
    """The runs that cover [start, end), or None if some page in it is not mapped."""
    covering, position = [], start
    for run in sorted(runs):
        if run[0] <= position < run[1]:
            covering.append(run)
            position = run[1]
            if position >= end:
                return covering
    return None


def symbol_in(elf, kinds, start, end):
    """A random data/code symbol of an nm type in `kinds` inside [start, end): (address,
    name)."""
    choices = [(a, n) for a, t, n in elf.symbols
               if t in kinds and start <= a < end and not n.startswith("_")]
    return random.choice(choices) if choices else (start, "the start of the section")


@pytest.mark.points(10)
@pytest.mark.parametrize("mem", ["128M", "512M"])
@pytest.mark.section("handouts/02-paging.md, 'Exercise 1'")
def test_frame_counts_match_memory_size(keel, elf, mem):
    """`mem` counts every frame from _end to the end of RAM, and 4 KiB page tables use
    about one frame per 2 MiB mapped."""
    mem_bytes = int(mem[:-1]) * MIB
    k = keel.boot(mem=mem)
    k.prompt()
    out = k.command("mem")
    match = MEM_LINE.search(out)
    assert match, k.explain("'Physical memory: N frames of 4 KiB managed (...), M free (...), "
                            "U in use'", section="handouts/02-paging.md, 'Exercise 1'")
    total, free, used = map(int, match.groups())
    want = expected_total(elf, mem_bytes)
    assert total == want, k.explain(
        f"{want} frames managed: (0x40000000 + {mem} - _end) / 4096 with _end = "
        f"0x{elf.address('_end'):x}", got=total, section="handouts/02-paging.md, 'Exercise 1'")
    low, high = table_frames_bounds(mem_bytes)
    assert free + used == total and low <= used <= high, k.explain(
        f"between {low} and {high} frames in use for page tables with {mem} of RAM",
        got=f"{used} in use, {free} free", section="handouts/02-paging.md, 'Exercise 4'")


@pytest.mark.points(4)
@pytest.mark.section("handouts/02-paging.md, 'Physical memory'")
def test_ram_beyond_4_gib_is_left_unused_and_said_so(keel, elf):
    """With 8 GiB of RAM the kernel boots, says that it uses the first 4 GiB (the bitmap's
    limit), manages every frame from _end to 4 GiB past the start of RAM, and maps them."""
    k = keel.boot(mem="8G")
    section = "handouts/02-paging.md, 'Physical memory'"
    k.expect(r"^frame_init: using 4096 MiB of the 8192 MiB of RAM \(the bitmap's limit\)$",
             timeout=20, what="'frame_init: using 4096 MiB of the 8192 MiB of RAM ...'",
             section=section)
    k.prompt()
    out = k.command("mem")
    match = MEM_LINE.search(out)
    want = expected_total(elf, 4 << 30)
    assert match and int(match.group(1)) == want, k.explain(
        f"{want} frames managed: from _end to 0x40000000 + 4 GiB",
        got=match.group(0) if match else out.strip(), section=section)
    last = KERNBASE + RAM_BASE + (4 << 30) - PAGE
    out = k.command(f"pt 0x{last:x}")
    assert f"0x{last:016x} -> 0x{last - KERNBASE:016x}  RW- ---  normal" in out, k.explain(
        f"the last page of the 4 GiB mapped RW- (0x{last:x})", got=out.strip(),
        section="handouts/02-paging.md, 'Exercise 4'")


@pytest.mark.points(10)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 1'")
def test_allocator_hands_out_every_frame_once_and_takes_them_back(keel, elf):
    """Allocate until refused, free everything: each frame once, freed frames junk-filled,
    the free count back where it started."""
    k = keel.boot(bootargs="test=frames", mem="256M")
    # Allocating and junk-filling 256 MiB takes a loaded machine seconds, without a word.
    line = k.expect(r"^frames-selftest %d: .*$" % k.nonce, timeout=30,
                    what="the frames self-test's line", quiet=20).group(0)
    numbers = dict(re.findall(r"(free|allocated|repeats|free when empty|freed|junk-filled|"
                              r"free after) (\d+)", line))
    numbers = {key: int(value) for key, value in numbers.items()}
    section = "handouts/02-paging.md, 'Exercise 1'"
    assert len(numbers) == 7 and "refused yes" in line, k.explain(
        "the self-test's full report", got=line, section=section)
    low, high = table_frames_bounds(256 * MIB)
    total = expected_total(elf, 256 * MIB)
    free = numbers["free"]
    # Page tables (Exercise 4) take a few frames before the test; without them, none.
    assert total - high <= free <= total, k.explain(
        f"between {total - high} and {total} free frames before the test", got=free,
        section=section)
    assert numbers["allocated"] == free and numbers["free when empty"] == 0, k.explain(
        f"all {free} free frames handed out, then none left", got=line, section=section)
    assert numbers["repeats"] == 0, k.explain("no frame handed out twice", got=line,
                                              section=section)
    assert numbers["freed"] == free and numbers["free after"] == free, k.explain(
        f"all frames back: free after = {free}", got=line, section=section)
    assert numbers["junk-filled"] == free, k.explain(
        "every freed frame filled with FRAME_JUNK (0x6b)", got=line, section=section)


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 1'")
def test_double_free_panics_naming_the_frame(keel):
    """Freeing a frame twice is a bug elsewhere: panic, and say which frame."""
    k = keel.boot(bootargs="test=frames-double-free")
    address = k.expect(r"^frames-selftest %d: freeing (0x[0-9a-f]+) twice$" % k.nonce,
                       timeout=20, what="the double-free test").group(1)
    k.expect(r"^panic: .*%s.*$" % address, what=f"a panic that names {address}",
             section="handouts/02-paging.md, 'Exercise 1'")
    assert "the second free was accepted" not in k.output, k.explain("no return from the panic")


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 1'")
def test_freeing_kernel_code_panics_naming_the_address(keel):
    """Freeing an address the allocator does not manage (kernel code) panics, naming it."""
    k = keel.boot(bootargs="test=frames-bad-free")
    address = k.expect(r"^frames-selftest %d: freeing (0x[0-9a-f]+), which is kernel code$"
                       % k.nonce, timeout=20, what="the bad-free test").group(1)
    k.expect(r"^panic: .*%s.*$" % address, what=f"a panic that names {address}",
             section="handouts/02-paging.md, 'Exercise 1'")


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'kmalloc'")
def test_kmalloc_gives_frames_back(keel):
    """kmalloc's pools (given code) work on your frame allocator: no overlapping objects, and
    every pool frame returns once its objects are freed."""
    k = keel.boot(bootargs="test=kmalloc")
    line = k.expect(r"^kmalloc-selftest %d: .*$" % k.nonce, timeout=30,
                    what="the kmalloc self-test's line").group(0)
    used = re.search(r"(\d+) of 600 objects allocated in (\d+) frames", line)
    assert used and used.group(1) == "600" and int(used.group(2)) > 0, k.explain(
        "all 600 objects allocated, in some frames", got=line,
        section="handouts/02-paging.md, 'kmalloc'")
    assert "overlaps 0," in line and "live after 0," in line and "frames back yes" in line, \
        k.explain("overlaps 0, live after 0, frames back yes", got=line,
                  section="handouts/02-paging.md, 'kmalloc'")


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 3: unmapping'")
def test_unmap_takes_the_page_away_and_frees_its_frame(keel):
    """test=map-unmap: a page mapped at a fresh kernel address is written through, then
    unmapped: the MMU no longer translates it, its frame is free, no frame is lost."""
    k = keel.boot(bootargs="test=map-unmap")
    line = k.expect(r"^map-unmap-selftest %d: .*$" % k.nonce, timeout=20,
                    what="the map-unmap self-test's line").group(0)
    want = ("written through it yes, after unmap translated by the MMU no and frame free yes, "
            "free frames back yes")
    assert line.endswith(want), k.explain(f"'... {want}'", got=line,
                                          section="handouts/02-paging.md, 'Exercise 3: unmapping'")


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 2: walking and mapping'")
def test_mapping_a_mapped_page_panics_naming_it(keel):
    """test=map-twice: pt_map of a page that is mapped already (to another frame) panics and
    names the address, or refuses with an error and leaves the first mapping alone; it never
    quietly points the page at the other frame."""
    k = keel.boot(bootargs="test=map-twice")
    section = "handouts/02-paging.md, 'Exercise 2: walking and mapping'"
    va = k.expect(r"^map-twice-selftest %d: mapping (0x[0-9a-f]+) a second time.*$" % k.nonce,
                  timeout=20, what="the map-twice self-test's first line",
                  section=section).group(1)
    outcome = k.expect(r"^(panic: .*|map-twice-selftest %d: the second pt_map returned .*)$"
                       % k.nonce, what="a panic, or the self-test's verdict",
                       section=section).group(0)
    refused = re.search(r"returned (-\d+) and \S+ maps the first frame still$", outcome)
    assert (outcome.startswith("panic:") and va in outcome) or refused, k.explain(
        f"a panic that names {va} (or an error, with the first mapping kept)", got=outcome,
        section=section)


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'The TLB'")
def test_unmap_leaves_no_stale_translation_in_the_tlb(keel):
    """test=tlb-remap: a page is read through (so the TLB holds its translation), unmapped and
    mapped again to a second frame; a read through it sees the second frame.  A pt_unmap
    without tlb_flush_page reads the first one (QEMU's TLB keeps the old entry)."""
    k = keel.boot(bootargs="test=tlb-remap")
    section = "handouts/02-paging.md, 'The TLB'"
    line = k.expect(r"^tlb-remap-selftest %d: .*$" % k.nonce, timeout=20,
                    what="the tlb-remap self-test's line", section=section).group(0)
    assert line.endswith(": the second frame"), k.explain(
        "the read after the remap to see the second frame", got=line, section=section)


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 2: walking and mapping'")
def test_new_page_tables_start_empty_even_in_used_frames(keel):
    """test=junk-tables: every free frame is allocated and freed (so all hold the junk
    0x6b, which reads as a valid table descriptor), then a page is mapped where it needs a
    new level-2 and level-3 table: it works, and its neighbours in the new tables are
    unmapped for the table walk and for the MMU (AT)."""
    k = keel.boot(bootargs="test=junk-tables", mem="32M")
    section = "handouts/02-paging.md, 'Exercise 2: walking and mapping'"
    k.expect(r"^junk-tables-selftest %d: \d+ free frames, all junk now.*$" % k.nonce, timeout=20,
             what="the junk-tables self-test's first line", section=section)
    line = k.expect(r"^junk-tables-selftest %d: written through it .*$" % k.nonce, timeout=10,
                    what="the mapping to work; a hang right after 'needs new tables' means "
                    "pt_walk followed a junk descriptor in a table it had just allocated "
                    "(frame_alloc instead of frame_alloc_zeroed)", section=section).group(0)
    assert line.endswith("written through it yes; neighbours in the new tables mapped: 0"), \
        k.explain("'written through it yes; neighbours in the new tables mapped: 0'", got=line,
                  section=section)


@pytest.mark.points(15)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 4'")
def test_pt_dump_shows_w_xor_x_kernel_sections(keel, elf):
    """`pt`: the RAM below the kernel (device tree) and .boot R--, text R-X, rodata R--, data
    and bss RW-, symbols R--, the rest of RAM RW-, the UART device memory; nothing both
    writable and executable; nothing in the lower half."""
    k = keel.boot()
    k.prompt()
    out = k.command("pt")
    runs = parse_runs(out)
    section = "handouts/02-paging.md, 'Exercise 4'"
    assert runs, k.explain("dump lines like '  ffffff8040202000-ffffff8040205000 -> "
                           "0000000040202000  R-X ---  normal    12 KiB'", section=section)
    a = elf.address
    expect = [
        ("RAM below the kernel (device tree)", KERNBASE + RAM_BASE, a("_kernel_start"), "R-- ---",
         "normal"),
        (".boot", a("_kernel_start"), a("_text_start"), "R-- ---", "normal"),
        ("text", a("_text_start"), a("_text_end"), "R-X ---", "normal"),
        ("rodata", a("_rodata_start"), a("_rodata_end"), "R-- ---", "normal"),
        ("bss (boot stack)", a("boot_stack_bottom"), a("boot_stack_top"), "RW- ---", "normal"),
        ("bss (after the stack)", a("boot_stack_top"), a("_bss_end"), "RW- ---", "normal"),
        ("ksyms", a("_ksyms_start"), a("_ksyms_end"), "R-- ---", "normal"),
        ("free RAM", a("_end"), KERNBASE + RAM_BASE + 128 * MIB, "RW- ---", "normal"),
        ("UART", KERNBASE + 0x09000000, KERNBASE + 0x09001000, "RW- ---", "device"),
    ]
    if a("_data_end") > a("_data_start"):
        expect.append(("data", a("_data_start"), a("_data_end"), "RW- ---", "normal"))
    for name, start, end, perms, kind in expect:
        covering = runs_covering(runs, start, end)
        assert covering, k.explain(f"{name} ({start:x}-{end:x}) mapped", section=section)
        for run in covering:
            assert run[3] == perms and run[4] == kind, k.explain(
                f"{name} mapped {perms} {kind}", got=f"{run[3]} {run[4]} for "
                f"{run[0]:x}-{run[1]:x}", section=section)
            assert run[2] == run[0] - KERNBASE, k.explain(
                f"{name} mapped to its physical address (VA - KERNBASE)",
                got=f"{run[0]:x} -> {run[2]:x}", section=section)
    for run in runs:
        assert not ("W" in run[3] and "X" in run[3]), k.explain(
            "nothing writable and executable", got=f"{run[0]:x}-{run[1]:x} {run[3]}",
            section=section)
    upper, _, lower = out.partition("TTBR0_EL1")
    assert lower and not parse_runs(lower) and re.search(r"^  0 pages mapped$", lower, re.M), \
        k.explain("no mappings at all in TTBR0's table (the identity map is gone)",
                  got=lower.strip()[:300], section=section)


@pytest.mark.points(10)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 2: walking and mapping'")
def test_pt_translates_like_the_elf_and_the_mmu_agrees(keel, elf):
    """`pt ADDR` for addresses in the device tree below the kernel, text, rodata, bss and free
    RAM: the physical address and permissions the ELF implies, and the MMU's own answer (AT)
    agrees."""
    k = keel.boot()
    k.prompt()
    a = elf.address
    text = symbol_in(elf, "Tt", a("_text_start"), a("_text_end"))
    rodata = symbol_in(elf, "Rr", a("_rodata_start"), a("_rodata_end"))
    bss = symbol_in(elf, "Bb", a("boot_stack_top"), a("_bss_end"))
    cases = [
        (random.randrange(KERNBASE + RAM_BASE, a("_kernel_start"), 8),
         "the RAM below the kernel (the device tree)", "R-- ---", False),
        (text[0], f"{text[1]} in .text", "R-X ---", False),
        (rodata[0], f"{rodata[1]} in .rodata", "R-- ---", False),
        (bss[0], f"{bss[1]} in .bss", "RW- ---", True),
        (random.randrange(a("_end"), KERNBASE + RAM_BASE + 128 * MIB, 8),
         "free RAM after _end", "RW- ---", True),
    ]
    for va, where, perms, writable in cases:
        offset = random.randrange(0, 8) * 8 if va % PAGE < PAGE - 64 else 0
        va += offset
        where += f" (+ 0x{offset:x})" if offset else ""
        out = k.command(f"pt 0x{va:x}")
        pa = va - KERNBASE
        want = f"0x{va:016x} -> 0x{pa:016x}  {perms}  normal  (level 3)"
        assert want in out, k.explain(f"'{want}' for {where}", got=out.strip(),
                                      section="handouts/02-paging.md, 'Exercise 2'")
        assert f"read -> 0x{pa:x};" in out, k.explain(
            f"the MMU to translate a read of 0x{va:x}, {where}, to 0x{pa:x}", got=out.strip())
        if writable:
            assert f"write -> 0x{pa:x}" in out, k.explain(
                f"the MMU to allow a write to 0x{va:x}, {where}", got=out.strip())


@pytest.mark.points(5)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 4'")
def test_mmu_refuses_writes_to_kernel_text(keel, elf):
    """The hardware, not just the table dump: a write to kernel code is a permission fault."""
    k = keel.boot()
    k.prompt()
    va = random.randrange(elf.address("_text_start"), elf.address("_text_end"), 4)
    function = elf.function_at(va)
    where = f"{function[0]} + 0x{function[1]:x} in .text" if function else "in .text"
    out = k.command(f"pt 0x{va:x}")
    assert "write faults (permission fault, level 3)" in out, k.explain(
        f"the MMU to refuse a write to 0x{va:x} ({where}) with a level 3 permission fault",
        got=out.strip(), section="handouts/02-paging.md, 'Exercise 4'")


@pytest.mark.points(10)
@pytest.mark.section("handouts/02-paging.md, 'Exercise 4'")
def test_identity_map_and_stack_guard_page_are_gone(keel, elf):
    """Low addresses (the boot identity map) and the page under the boot stack translate to
    nothing, in the table and in the MMU."""
    k = keel.boot()
    k.prompt()
    guard = elf.address("boot_stack_guard")
    offset = 8 * random.randrange(512)
    identity = random.randrange(0, 0x10000, 8)
    cases = [
        (0x40200000 + identity, f"the old identity map of the kernel image (0x40200000 + "
         f"0x{identity:x}, the kernel's physical address: the lower half must be empty)"),
        (0x09000000, "the old identity map of the UART (its physical address, 0x09000000)"),
        (0, "address 0 (a NULL pointer must fault)"),
        (guard + offset, f"the boot stack's guard page (boot_stack_guard + 0x{offset:x}, "
         "the page below the boot stack, which must stay unmapped)"),
    ]
    for va, what in cases:
        out = k.command(f"pt 0x{va:x}")
        assert re.search(r"0x%016x: not mapped" % va, out) and "read faults (translation fault" in out, \
            k.explain(f"0x{va:x}, {what}, not mapped, and the MMU's read to fault with a "
                      "translation fault", got=out.strip(),
                      section="handouts/02-paging.md, 'Exercise 4'")
