// DecoderWarmUp.cpp: kd_warm_decoder, dynarmic's A64 decoder tables built
// on a thread of their own while the process's first core is built.
//
// Why: the tables are a function-local static built at a process's first
// translation (tens of milliseconds of std::function copies and sorting); a
// core can translate only once it exists, so the two came one after the
// other before the first instruction of every kenix-sim run (the first core
// was ready after ~160 ms, now ~125 ms, on this machine kind). dynarmic's
// translator entry point (A64::Translate) is exported, but its headers need
// headers Debian does not ship (mcl), so the few types its signature names
// are declared here, laid out as in dynarmic 6.4.5 (Debian 12's): the
// location descriptor (pc, FPCR, single-step flag: trivially copyable, so
// passed in registers), the translation options (three bools) and the IR
// block, of which this file only needs storage to return it into (larger
// than the real one) and its exported destructor.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <optional>

#include "kenix_dynarmic.h"

namespace Dynarmic {
namespace FP {
class FPCR {
public:
    FPCR() = default;

private:
    std::uint32_t value = 0;
};
}  // namespace FP
namespace IR {
class Block {
public:
    ~Block();

private:
    alignas(64) unsigned char storage[4096];
};
}  // namespace IR
namespace A64 {
class LocationDescriptor {
public:
    LocationDescriptor(std::uint64_t pc, FP::FPCR fpcr, bool singleStepping)
        : pc(pc), fpcr(fpcr), singleStepping(singleStepping) {}

private:
    std::uint64_t pc;
    FP::FPCR fpcr;
    bool singleStepping;
};
struct TranslationOptions {
    bool define_unpredictable_behaviour = false;
    bool wall_clock_cntpct = false;
    bool hook_hint_instructions = true;
};
IR::Block Translate(LocationDescriptor descriptor, std::function<std::optional<std::uint32_t>(std::uint64_t)> memory_read_code,
                    TranslationOptions options);
}  // namespace A64
}  // namespace Dynarmic

static_assert(sizeof(Dynarmic::A64::LocationDescriptor) == 16);
static_assert(sizeof(Dynarmic::A64::TranslationOptions) == 3);

extern "C" void kd_warm_decoder(void) {
    try {
        // One NOP, then nothing to fetch: a one-instruction block.
        const auto code = [](std::uint64_t va) -> std::optional<std::uint32_t> {
            if (va == 0) return 0xD503'201Fu;
            return std::nullopt;
        };
        const Dynarmic::IR::Block block =
            Dynarmic::A64::Translate(Dynarmic::A64::LocationDescriptor{0, Dynarmic::FP::FPCR{}, false}, code, {});
        (void)block;
    } catch (...) {
    }
}
