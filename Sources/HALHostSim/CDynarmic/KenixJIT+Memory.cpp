// KenixJIT+Memory.cpp: data accesses that the JIT's page table does not
// satisfy: first touches, read-only pages, page crossings and exclusives.
//
// The software TLB: a writable page goes into the page table, where the JIT
// reads and writes it without calling back; a read-only page (copy-on-write,
// code, read-only data) goes into `readOnly`, read here and never written
// here without asking the host again (which faults, or resolves copy-on-write
// and grants a writable page). The host (Swift) walks the kernel's tables,
// checks rights and may resolve a fault on the spot; when it cannot, it
// records the fault and the access aborts: the Jit halts at the instruction
// (check_halt_on_memory_access) and the run ends with a data fault.
//
// Page crossings are split the way Unicorn 2.0.1's softmmu splits them, so
// both engines touch pages, and fault, in the same order and at the same
// address: first the page of the access's own address, then the next page
// at its first byte; a store writes the first page's bytes before it touches
// the second (QEMU 7.2 checks the second page first and writes nothing; the
// kernel sees the same fault either way). A 128-bit access is two 64-bit
// ones.
#include "KenixJIT.hpp"

#include <sys/mman.h>

#include <cstring>

namespace kenix {

u8 *Core::page(u64 va, u32 access) {
    const u64 vpn = va >> 12;
    if (vpn < kPageTableEntries) {
        if (void *p = pageTable[vpn]) return static_cast<u8 *>(p) + (vpn << 12);
    }
    if (access == KD_READ) {
        const ReadOnlySlot &slot = readOnly[vpn % kReadOnlySlots];
        if (slot.tag == vpn + 1) return slot.host;
    }
    const kd_page p = host.translate(host.context, va, access, true);
    if (!p.host) return nullptr;
    fill(vpn, p);
    return p.host;
}

void Core::fill(u64 vpn, kd_page p) {
    stats.page_fills++;
    // An entry of null means no page: the one host page whose address equals
    // its guest address (never seen: guest RAM lies far above 2^39) stays out.
    if (p.writable && vpn < kPageTableEntries && p.host != reinterpret_cast<u8 *>(vpn << 12)) {
        if (live.size() >= kMaxLiveEntries) flushTLB();
        pageTable[vpn] = p.host - (vpn << 12);
        live.push_back(vpn);
        ReadOnlySlot &slot = readOnly[vpn % kReadOnlySlots];
        if (slot.tag == vpn + 1) slot = {};
        return;
    }
    if (!p.writable) readOnly[vpn % kReadOnlySlots] = {vpn + 1, p.host};
}

void Core::flushTLB() {
    stats.tlb_flushes++;
    for (u64 vpn : live) pageTable[vpn] = nullptr;
    if (live.size() > 4096) {
        // Give the page table's memory back; the reservation stays.
        madvise(pageTable, kPageTableEntries * sizeof(void *), MADV_DONTNEED);
    }
    live.clear();
    live.shrink_to_fit();
    for (auto &slot : readOnly) slot = {};
}

void Core::dataAbort() {
    if (stop == Stop::none) stop = Stop::dataFault;
    if (interpreting) return;   // the interpreter stops by itself
    midBlockAbort = true;
    jit->HaltExecution(Dynarmic::HaltReason::MemoryAbort);
}

template<typename T>
T Core::read(u64 va) {
    const u64 offset = va & 0xFFF;
    u8 *first = page(va, KD_READ);
    if (!first) {
        dataAbort();
        return T{};
    }
    T value;
    if (offset + sizeof(T) <= 4096) {
        std::memcpy(&value, first + offset, sizeof(T));
        return value;
    }
    u8 *second = page((va | 0xFFF) + 1, KD_READ);
    if (!second) {
        dataAbort();
        return T{};
    }
    const std::size_t head = 4096 - offset;
    u8 bytes[sizeof(T)];
    std::memcpy(bytes, first + offset, head);
    std::memcpy(bytes + head, second, sizeof(T) - head);
    std::memcpy(&value, bytes, sizeof(T));
    return value;
}

template<typename T>
void Core::write(u64 va, T value) {
    const u64 offset = va & 0xFFF;
    u8 *first = page(va, KD_WRITE);
    if (!first) return dataAbort();
    if (offset + sizeof(T) <= 4096) {
        std::memcpy(first + offset, &value, sizeof(T));
        return;
    }
    const std::size_t head = 4096 - offset;
    u8 bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    std::memcpy(first + offset, bytes, head);
    u8 *second = page((va | 0xFFF) + 1, KD_WRITE);
    if (!second) return dataAbort();
    std::memcpy(second, bytes + head, sizeof(T) - head);
}

Dynarmic::A64::Vector Core::MemoryRead128(u64 va) {
    const u64 low = read<u64>(va);
    if (stop == Stop::dataFault) return {0, 0};
    return {low, read<u64>(va + 8)};
}

void Core::MemoryWrite128(u64 va, Dynarmic::A64::Vector v) {
    write<u64>(va, v[0]);
    if (stop == Stop::dataFault) return;
    write<u64>(va + 8, v[1]);
}

/// The store half of an exclusive pair: the monitor has already matched the
/// address; the store happens only if memory still holds what the load saw
/// (QEMU's compare-and-swap semantics, which the Unicorn engine has).
template<typename T>
bool Core::writeExclusive(u64 va, T value, T expected) {
    const u64 offset = va & 0xFFF;
    if (offset + sizeof(T) > 4096) {
        // Exclusives are aligned on every real CPU; a crossing one is split
        // like any other store and compared byte for byte.
        T current = read<T>(va);
        if (stop == Stop::dataFault) return false;
        if (std::memcmp(&current, &expected, sizeof(T)) != 0) return false;
        write<T>(va, value);
        return stop != Stop::dataFault;
    }
    u8 *p = page(va, KD_WRITE);
    if (!p) {
        dataAbort();
        return false;
    }
    if (std::memcmp(p + offset, &expected, sizeof(T)) != 0) return false;
    std::memcpy(p + offset, &value, sizeof(T));
    return true;
}

bool Core::MemoryWriteExclusive128(u64 va, Dynarmic::A64::Vector v, Dynarmic::A64::Vector e) {
    return writeExclusive(va, v, e);
}

template u8 Core::read<u8>(u64);
template std::uint16_t Core::read<std::uint16_t>(u64);
template u32 Core::read<u32>(u64);
template u64 Core::read<u64>(u64);
template void Core::write<u8>(u64, u8);
template void Core::write<std::uint16_t>(u64, std::uint16_t);
template void Core::write<u32>(u64, u32);
template void Core::write<u64>(u64, u64);
template bool Core::writeExclusive<u8>(u64, u8, u8);
template bool Core::writeExclusive<std::uint16_t>(u64, std::uint16_t, std::uint16_t);
template bool Core::writeExclusive<u32>(u64, u32, u32);
template bool Core::writeExclusive<u64>(u64, u64, u64);

}  // namespace kenix
