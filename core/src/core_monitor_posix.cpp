// CoreMonitor: perf context-switch records, or /proc sampling. (Being filled in.)
#include "parviz/core_monitor.hpp"

#include <ctime>

namespace parviz {

namespace {

class NullMonitor final : public CoreMonitor {
public:
    CoreSource source() const noexcept override { return CoreSource::None; }
    void watch(ProcId, pid_t) override {}
    void unwatch(ProcId) override {}
    std::int64_t poll(std::vector<Event>&) override {
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
    }
};

} // namespace

std::unique_ptr<CoreMonitor> CoreMonitor::create(CorePref) { return std::make_unique<NullMonitor>(); }

} // namespace parviz
