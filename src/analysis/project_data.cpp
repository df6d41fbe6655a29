#include "analysis/project_data.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "core/timing.hpp"

namespace ruralatlas::analysis {

LoadedData loadInParallel(ProjectSource& first, const LoadRequest& request, int threads) {
    // Tasks, biggest first: every table in `parts` slices by feature id.
    struct Task {
        int table;  // 0 villages, 1 facilities, 2 roads
        std::optional<FidRange> range;
        std::vector<VillageRec> villages;
        std::vector<FacilityRec> facilities;
        std::vector<RoadRec> roads;
    };
    std::vector<Task> tasks;
    auto slice = [&](int table, const char* layer, int parts) {
        const auto slices = first.slices(layer, parts);
        if (slices.empty()) tasks.push_back({table, std::nullopt, {}, {}, {}});
        for (const FidRange& r : slices) tasks.push_back({table, r, {}, {}, {}});
    };
    // Small projects are read on this thread alone: opening a second connection costs more
    // than it saves below some tens of thousands of features.
    long long features = 0;
    for (const char* name : {"villages", "facilities", "roads"}) features += first.featureCount(name);
    if (features < 20000) threads = 1;
    const int parts = std::max(1, threads);
    if (request.roads) slice(2, "roads", parts);
    if (request.villages) slice(0, "villages", parts);
    if (request.facilities) slice(1, "facilities", parts);
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto run = [&](ProjectSource* own) {
        std::unique_ptr<ProjectSource> opened;
        try {
            for (std::size_t t; (t = next.fetch_add(1)) < tasks.size();) {
                if (!own) {
                    opened = first.connect();
                    own = opened.get();
                }
                Task& task = tasks[t];
                const FidRange* r = task.range ? &*task.range : nullptr;
                PhaseTimer timer(task.table == 0 ? "read villages slice" : task.table == 1 ? "read facilities slice" : "read roads slice");
                if (task.table == 0)
                    task.villages = own->villages(request.villageFields, r);
                else if (task.table == 1)
                    task.facilities = own->facilities(request.facilityKind, request.facilityStatuses, r);
                else
                    task.roads = own->roads(r);
            }
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
            next = tasks.size();
        }
    };
    std::vector<std::thread> pool;
    const int helpers = std::min<int>(std::max(1, threads), static_cast<int>(tasks.size())) - 1;
    for (int k = 0; k < helpers; ++k) pool.emplace_back(run, nullptr);
    run(&first);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    LoadedData out;
    for (Task& t : tasks) {
        auto append = [](auto& to, auto& from) {
            if (to.empty())
                to = std::move(from);
            else
                to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
        };
        if (t.table == 0)
            append(out.villages, t.villages);
        else if (t.table == 1)
            append(out.facilities, t.facilities);
        else
            append(out.roads, t.roads);
    }
    return out;
}

}  // namespace ruralatlas::analysis
