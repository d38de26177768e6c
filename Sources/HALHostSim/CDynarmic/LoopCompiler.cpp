// LoopCompiler.cpp: builds region functions with the host's C compiler
// (`clang` on PATH: the Swift toolchain's) and loads them.
//
// One worker thread per process compiles, so that a machine's run never
// waits for it (a region runs in the other tiers until its function is
// ready; the results are the same either way). Jobs are cached by their
// source text: a region is compiled once per process, whatever core or
// swarm machine asks. The worker and the cache are never torn down: loaded
// code may be running until the process exits, and the thread is detached
// so that exit does not wait for a compilation (which leaves nothing behind:
// its files are memory files).
#include "LoopCompiler.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

extern char **environ;

namespace kenix::loops {

namespace {

class Compiler {
public:
    std::shared_ptr<Job> request(const std::string &source, bool wait) {
        std::unique_lock<std::mutex> lock(mutex);
        auto found = cache.find(source);
        if (found != cache.end()) {
            const auto job = found->second;
            lock.unlock();
            // Synchronous means the function is there when this returns,
            // even if the worker (or another thread) is still building it.
            while (wait && job->state.load(std::memory_order_acquire) == Job::pending)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return job;
        }
        auto job = std::make_shared<Job>();
        cache.emplace(source, job);
        if (wait) {
            lock.unlock();
            build(source, *job);
            return job;
        }
        queue.emplace_back(source, job);
        if (!started) {
            started = true;
            std::thread([this] { work(); }).detach();
        }
        wake.notify_one();
        return job;
    }

private:
    std::mutex mutex;
    std::condition_variable wake;
    std::unordered_map<std::string, std::shared_ptr<Job>> cache;
    std::deque<std::pair<std::string, std::shared_ptr<Job>>> queue;
    bool started = false;
    /// Set after the first failure to run the compiler at all: the host has
    /// none, and every later job fails at once.
    std::atomic<bool> unavailable{false};
    /// Objects loaded (each holds a file descriptor); only the worker or a
    /// synchronous caller loads, under no lock, hence atomic.
    std::atomic<unsigned> loaded{0};
    static constexpr unsigned kMaxLoaded = 256;

    void work() {
        for (;;) {
            std::pair<std::string, std::shared_ptr<Job>> next;
            {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [this] { return !queue.empty(); });
                next = std::move(queue.front());
                queue.pop_front();
            }
            build(next.first, *next.second);
        }
    }

    void build(const std::string &source, Job &job) {
        Function function = unavailable ? nullptr : compile(source);
        job.function = function;
        job.state.store(function ? Job::ready : Job::failed, std::memory_order_release);
    }

    /// Runs the compiler on `source`; the loaded function, or null. The
    /// source and the shared object live in memory files (memfd), named to
    /// clang as /dev/fd/N: nothing is left in /tmp when the process exits
    /// in the middle of a compilation.
    Function compile(const std::string &source) {
        // Each loaded object keeps a file descriptor (below): a bound, so
        // that code that keeps changing cannot use up the process's.
        if (loaded >= kMaxLoaded) return nullptr;
        const int input = memoryFile("kenix-region.c");
        const int output = memoryFile("kenix-region.so");
        // The object says which source it was built from, and the loaded
        // one must say this one's (a check that dlopen loaded what was built).
        const unsigned long long id = fingerprint(source);
        const std::string text = source + "const unsigned long long kenix_region_source = " + std::to_string(id) + "ull;\n";
        Function function = nullptr;
        void *library = nullptr;
        if (input >= 0 && output >= 0 && write(input, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            run(input, output)) {
            // RTLD_LOCAL: every region's symbol has the same name.
            const std::string path = "/proc/self/fd/" + std::to_string(output);
            if ((library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL))) {
                const auto *built = static_cast<const unsigned long long *>(dlsym(library, "kenix_region_source"));
                if (built && *built == id) function = reinterpret_cast<Function>(dlsym(library, "kenix_region"));
            }
        }
        if (input >= 0) close(input);
        // A loaded object keeps its file open: dlopen knows objects by path,
        // and a later region's memory file at the same fd number would be
        // taken for this one (so one loaded but refused keeps it too).
        if (library) loaded++;
        else if (output >= 0) close(output);
        return function;
    }

    /// FNV-1a of the source text.
    static unsigned long long fingerprint(const std::string &text) {
        unsigned long long hash = 0xCBF2'9CE4'8422'2325ull;
        for (unsigned char c : text) hash = (hash ^ c) * 0x100'0000'01B3ull;
        return hash;
    }

    /// A memory file, close-on-exec, at fd 10 or above (so that the child's
    /// dup2 onto 3 and 4 cannot overwrite one with the other); -1 on failure.
    static int memoryFile(const char *name) {
        const int fd = memfd_create(name, MFD_CLOEXEC);
        if (fd < 0) return -1;
        const int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        close(fd);
        return high;
    }

    /// clang -O2, quietly, from the memory file `input` (fd 3 in the child)
    /// to `output` (fd 4); true if it built it.
    bool run(int input, int output) {
        const char *argv[] = {"clang", "-O2", "-march=native", "-fPIC", "-shared", "-nostdlib",
                              "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-w", "-x", "c",
                              "/dev/fd/3", "-o", "/dev/fd/4", nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, input, 3);
        posix_spawn_file_actions_adddup2(&actions, output, 4);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        pid_t child;
        const int spawned = posix_spawnp(&child, "clang", &actions, nullptr, const_cast<char *const *>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) {
            // No compiler on PATH: off for good; anything else (EAGAIN,
            // ENOMEM) fails this job only.
            if (spawned == ENOENT) unavailable = true;
            return false;
        }
        int status = 0;
        while (waitpid(child, &status, 0) < 0) {
            if (errno != EINTR) return false;
        }
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
};

Compiler &shared() {
    static Compiler *compiler = new Compiler;   // never destroyed (see the top)
    return *compiler;
}

}  // namespace

std::shared_ptr<Job> compile(const std::string &source, bool wait) { return shared().request(source, wait); }

}  // namespace kenix::loops
