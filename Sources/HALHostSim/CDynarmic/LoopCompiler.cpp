// LoopCompiler.cpp: builds region functions with the host's C compiler
// (`clang` on PATH: the Swift toolchain's) and loads them.
//
// One worker thread per process compiles, so that a machine's run never
// waits for it (a region runs in the other tiers until its function is
// ready; the results are the same either way). Jobs are cached by their
// source text: a region is compiled once per process, whatever core or
// swarm machine asks. The worker and the cache are never torn down: loaded
// code may be running until the process exits, and the thread is detached
// so that exit does not wait for a compilation.
#include "LoopCompiler.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
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
    std::atomic<unsigned> serial{0};

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

    /// Runs the compiler on `source`; the loaded function, or null.
    Function compile(const std::string &source) {
        char directory[] = "/tmp/kenix-loop-XXXXXX";
        if (!mkdtemp(directory)) return nullptr;
        const std::string base = std::string(directory) + "/region" + std::to_string(serial++);
        const std::string input = base + ".c", output = base + ".so";
        Function function = nullptr;
        if (FILE *file = std::fopen(input.c_str(), "w")) {
            const bool written = std::fwrite(source.data(), 1, source.size(), file) == source.size();
            if (std::fclose(file) == 0 && written && run(input, output)) {
                // RTLD_LOCAL: every region's symbol has the same name.
                if (void *library = dlopen(output.c_str(), RTLD_NOW | RTLD_LOCAL))
                    function = reinterpret_cast<Function>(dlsym(library, "kenix_region"));
            }
        }
        unlink(input.c_str());
        unlink(output.c_str());
        rmdir(directory);
        return function;
    }

    /// clang -O2, quietly; true if it built `output`.
    bool run(const std::string &input, const std::string &output) {
        const char *argv[] = {"clang", "-O2", "-march=native", "-fPIC", "-shared", "-nostdlib",
                              "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-w", "-x", "c",
                              input.c_str(), "-o", output.c_str(), nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
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
