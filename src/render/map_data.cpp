#include "map_data.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/landuse.hpp"
#include "core/project_source.hpp"
#include "core/timing.hpp"

namespace ruralatlas::render {

void Box::include(const Box& o) {
    if (!o.valid()) return;
    if (!valid()) {
        *this = o;
        return;
    }
    minx = std::min(minx, o.minx);
    miny = std::min(miny, o.miny);
    maxx = std::max(maxx, o.maxx);
    maxy = std::max(maxy, o.maxy);
}

bool globMatch(const std::string& pattern, const std::string& text) {
    size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

int FeatureLayer::column(const std::string& field) const {
    for (size_t i = 0; i < m_columnNames.size(); ++i)
        if (m_columnNames[i] == field) return int(i);
    return -1;
}

std::string FeatureLayer::displayValue(const std::string& field, const Value& v) const {
    const std::string s = valueToString(v);
    if (const auto t = fieldValueTitle(def, field, s)) return std::string(*t);
    return s;
}

void FeatureLayer::query(const Box& box, std::vector<uint32_t>& out) const {
    m_index.query(Bounds{box.minx, box.miny, box.maxx, box.maxy}, out);
}

namespace {

// A layer a style source may name: in the project (source 0) or a result source.
struct Candidate {
    FeatureSource* source = nullptr;
    size_t sourceIndex = 0;
    std::string name;
};

// Several style layers drawing one layer read it once: the union of their fields and filters.
struct Job {
    Candidate c;
    std::vector<std::string> fields;
    bool anchors = false;
    std::vector<std::string> sources;
    bool readAll = false;            // some request wants every feature
    std::vector<std::string> where;  // else the union of these conditions
    long long estimate = 0;          // features in the layer (to hand out big ones first)
    std::unique_ptr<FeatureLayer> layer;
};

}  // namespace

// Reads one layer into memory through `source` (the calling thread's connection).
struct LayerLoader {
    static void load(Job& job, FeatureSource& source, int epsg, const std::optional<Box>& within);
};

void LayerLoader::load(Job& job, FeatureSource& source, int epsg, const std::optional<Box>& within) {
    PhaseTimer timer("load " + job.c.name);
    const std::optional<LayerInfo> info = source.layerInfo(job.c.name);
    const std::string file = source.name();
    if (!info) throw DataError({file, job.c.name, "", ""}, "the layer is missing");
    if (info->geometry == ShapeKind::None) throw DataError({file, job.c.name, "", ""}, "the layer has no geometry to draw");
    if (!source.inCrs(job.c.name, epsg))
        throw DataError({file, job.c.name, "", ""},
                        "the layer is not in the project CRS EPSG:" + std::to_string(epsg) + "; import it into the project first");
    auto layer = std::make_unique<FeatureLayer>();
    layer->name = job.c.name;
    layer->file = file;
    layer->def = job.c.sourceIndex == 0 ? findLayer(job.c.name) : nullptr;
    if (layer->def) layer->title = std::string(layer->def->titleZh);
    if (layer->title.empty()) layer->title = info->title.empty() ? job.c.name : info->title;
    layer->shape = info->geometry == ShapeKind::Point ? Shape::Point : info->geometry == ShapeKind::Line ? Shape::Line : Shape::Polygon;
    for (const auto& f : job.fields) {
        if (info->fieldIndex(f) < 0)
            throw DataError({file, job.c.name, "", f},
                            "the style uses a field the layer does not have (fields: " + info->fieldList() + ")");
        layer->m_columnNames.push_back(f);
    }
    layer->m_columns.resize(job.fields.size());

    FeatureQuery query;
    query.fields = job.fields;
    query.anchors = job.anchors;
    if (within) query.within = Bounds{within->minx, within->miny, within->maxx, within->maxy};
    if (!job.readAll && !job.where.empty()) {
        for (const auto& w : job.where) query.where += (query.where.empty() ? "(" : " OR (") + w + ")";
        query.whereIsHint = true;  // a filter the source refuses only costs speed
    }
    if (query.where.empty() && info->featureCount > 0) {
        layer->m_fid.reserve(size_t(info->featureCount));
        layer->m_bbox.reserve(size_t(info->featureCount));
    }
    source.readFeatures(job.c.name, query, [&](const Feature& f) {
        const FeatureGeometry& g = f.geometry;
        if (g.kind == ShapeKind::None || g.parts.empty()) return;  // no geometry, or a kind that is not drawn
        const size_t base = layer->m_xy.size() / 2;
        layer->m_xy.insert(layer->m_xy.end(), g.xy.begin(), g.xy.end());
        uint32_t last = 0;
        for (uint32_t end : g.parts) {
            if (end == last) continue;  // an empty part
            layer->m_partPoint.push_back(uint32_t(base + end));
            last = end;
        }
        if (layer->m_partPoint.size() - 1 == layer->m_featPart.back()) return;  // nothing appended
        const Box box{g.bounds.minx, g.bounds.miny, g.bounds.maxx, g.bounds.maxy};
        std::array<double, 2> anchor{0, 0};
        const size_t p0 = layer->m_partPoint[layer->m_featPart.back()];
        if (g.kind == ShapeKind::Point) {
            anchor = {layer->m_xy[p0 * 2], layer->m_xy[p0 * 2 + 1]};
        } else if (g.kind == ShapeKind::Line) {
            // The middle vertex of the first part: where a point-placed label of a line goes.
            const size_t p1 = layer->m_partPoint[layer->m_featPart.back() + 1];
            const size_t mid = p0 + (p1 - p0) / 2;
            anchor = {layer->m_xy[mid * 2], layer->m_xy[mid * 2 + 1]};
        } else if (job.anchors) {
            anchor = g.hasAnchor ? std::array<double, 2>{g.anchor.x, g.anchor.y}
                                 : std::array<double, 2>{(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2};
        }
        layer->m_featPart.push_back(uint32_t(layer->m_partPoint.size() - 1));
        layer->m_fid.push_back(f.fid);
        layer->m_bbox.push_back(box);
        layer->m_anchor.push_back(anchor);
        layer->m_extent.include(box);
        for (size_t c = 0; c < f.values.size(); ++c) {
            const ResultValue& rv = f.values[c];
            Value v;
            if (const auto* i = std::get_if<long long>(&rv))
                v = double(*i);
            else if (const auto* d = std::get_if<double>(&rv))
                v = *d;
            else if (const auto* s = std::get_if<std::string>(&rv))
                v = *s;
            layer->m_columns[c].push_back(std::move(v));
        }
    });
    std::vector<Bounds> boxes;
    boxes.reserve(layer->m_bbox.size());
    for (const Box& b : layer->m_bbox) boxes.push_back({b.minx, b.miny, b.maxx, b.maxy});
    layer->m_index = BoxIndex(boxes);
    job.layer = std::move(layer);
}

std::map<std::string, std::string> approximationNotes(ProjectSource& project) {
    // county-from-codes records, per layer, "approximate: ...", "missing: ..." or where the
    // layer came from; a map that draws the layer says it in Chinese.
    std::map<std::string, std::string> notes;
    const std::string townships = project.meta("township_boundaries");
    if (townships.starts_with("approximate")) notes["townships"] = "乡镇界为近似：由村委会点位推算（泰森多边形按乡镇合并），非法定界线";
    const std::string county = project.meta("county_outline");
    if (!county.empty() && !county.starts_with("missing"))
        notes["county"] = "县界取自高德地图公开行政区轮廓（约2018年，由GCJ-02转换），仅作示意，非法定界线";
    const std::string villages = project.meta("village_locations");
    if (!villages.empty() && !villages.starts_with("missing")) {
        long long located = 0, all = 0;
        std::string note = "村委会位置取自国家统计局2016年公开点位（由GCJ-02转换），仅作示意";
        if (std::sscanf(villages.c_str(), "%lld of %lld", &located, &all) == 2 && located < all)
            note += "；" + std::to_string(all - located) + "个村无位置，图上未绘出";
        notes["villages"] = note;
    }
    return notes;
}

// The gridded layers raster style layers name, from the first source holding each (project
// first), read whole: a redraw never goes back to the file.
void MapData::loadGrids(MapData& data, const std::vector<FeatureSource*>& sources, const std::vector<LayerRequest>& requests) {
    std::vector<std::vector<std::string>> names(sources.size());
    bool listed = false;
    for (const auto& r : requests) {
        if (!r.grid) continue;
        if (!listed) {
            for (size_t s = 0; s < sources.size(); ++s) {
                names[s] = sources[s]->gridNames();
                data.m_available.insert(data.m_available.end(), names[s].begin(), names[s].end());
            }
            listed = true;
        }
        if (data.find(r.source)) continue;  // another style layer asked for it already
        for (size_t s = 0; s < sources.size(); ++s) {
            const auto it = std::find_if(names[s].begin(), names[s].end(), [&](const std::string& n) { return globMatch(r.source, n); });
            if (it == names[s].end()) continue;
            const auto loaded = std::find_if(data.m_layers.begin(), data.m_layers.end(),
                                             [&](const auto& l) { return l->grid() && l->name == *it && l->file == sources[s]->name(); });
            if (loaded != data.m_layers.end()) {
                data.m_bySource.emplace_back(r.source, loaded->get());
                break;
            }
            std::optional<ResultGrid> grid = sources[s]->readGrid(*it);
            if (!grid) continue;
            auto layer = std::make_unique<FeatureLayer>();
            layer->name = *it;
            layer->title = grid->titleZh.empty() ? *it : grid->titleZh;
            if (const LayerDef* def = findLayer(*it); def && layer->title == *it) layer->title = std::string(def->titleZh);
            layer->file = sources[s]->name();
            layer->shape = Shape::Polygon;
            double lo = INFINITY, hi = -INFINITY;
            for (float v : grid->values)
                if (std::isfinite(v)) {
                    lo = std::min(lo, double(v));
                    hi = std::max(hi, double(v));
                }
            if (lo > hi) lo = hi = 0;
            layer->m_gridMin = lo;
            layer->m_gridMax = hi;
            layer->m_extent = {grid->x0, grid->y1 - grid->cell * grid->height, grid->x0 + grid->cell * grid->width, grid->y1};
            layer->m_columnNames = {"value"};
            layer->m_columns.assign(1, {});
            const size_t n = FeatureLayer::kGridSamples;
            for (size_t i = 0; i < n; ++i) {
                layer->m_fid.push_back(-1);
                layer->m_bbox.push_back(Box{1, 1, 0, 0});  // no geometry: never found by a box query
                layer->m_anchor.push_back({0, 0});
                layer->m_featPart.push_back(0);
                layer->m_columns[0].push_back(hi > lo ? lo + (hi - lo) * double(i) / double(n - 1) : lo);
            }
            layer->m_grid = std::make_shared<const ResultGrid>(std::move(*grid));
            data.m_bySource.emplace_back(r.source, layer.get());
            data.m_layers.push_back(std::move(layer));
            break;
        }
    }
}

std::shared_ptr<MapData> MapData::load(ProjectSource& project, const std::vector<FeatureSource*>& extras,
                                       const std::vector<LayerRequest>& requests, const std::optional<Box>& within, Feedback* feedback) {
    auto data = std::make_shared<MapData>();
    data->m_epsg = project.epsg();
    data->m_projectPath = project.name();
    data->dataDate = project.meta("data_date");
    data->countyName = project.meta("county_name");
    data->synthetic = project.meta("synthetic") == "true";
    data->layerNotes = approximationNotes(project);

    std::vector<FeatureSource*> sources{&project};
    sources.insert(sources.end(), extras.begin(), extras.end());
    std::vector<Candidate> candidates;
    for (size_t s = 0; s < sources.size(); ++s)
        for (const auto& n : sources[s]->layerNames()) {
            candidates.push_back({sources[s], s, n});
            data->m_available.push_back(n);
        }

    std::vector<Job> jobs;
    for (const auto& r : requests) {
        if (r.grid) continue;  // loadGrids
        const Candidate* found = nullptr;
        for (const auto& c : candidates)
            if (globMatch(r.source, c.name)) {
                found = &c;
                break;
            }
        if (!found) continue;  // the caller decides whether a missing source is an error
        const LayerDef* def = findLayer(found->name);
        if (found->sourceIndex == 0 && def && def->personal)
            throw DataError(
                {r.styleFile, found->name, "line " + std::to_string(r.styleLine), ""},
                "personal data (" + std::string(def->titleZh) + ") is never drawn on a map; show per-village aggregates instead");
        auto it = std::find_if(jobs.begin(), jobs.end(),
                               [&](const Job& j) { return j.c.sourceIndex == found->sourceIndex && j.c.name == found->name; });
        if (it == jobs.end()) {
            jobs.push_back({*found, {}, false, {}, false, {}, 0, nullptr});
            it = jobs.end() - 1;
        }
        for (const auto& f : r.fields)
            if (std::find(it->fields.begin(), it->fields.end(), f) == it->fields.end()) it->fields.push_back(f);
        it->anchors = it->anchors || r.anchors;
        it->sources.push_back(r.source);
        // Read only what the style layers can draw at this scale (a superset; the renderer
        // still applies each filter).
        std::optional<std::string> where;
        if (r.scaleRange && r.filter) {
            const std::optional<LayerInfo> info = found->source->layerInfo(found->name);
            const auto fieldType = [&info](const std::string& f) -> char {
                const int i = info ? info->fieldIndex(f) : -1;
                if (i < 0) return 0;
                switch (info->fields[size_t(i)].kind) {
                    case FieldKind::Text:
                        return 's';
                    case FieldKind::Integer:
                    case FieldKind::Real:
                        return 'n';
                    default:
                        return 0;
                }
            };
            where = r.filter->sqlSuperset(r.scaleRange->first, r.scaleRange->second, fieldType);
        }
        if (!where)
            it->readAll = true;
        else if (std::find(it->where.begin(), it->where.end(), *where) == it->where.end())
            it->where.push_back(*where);
    }
    for (auto& job : jobs) {
        const auto info = job.c.source->layerInfo(job.c.name);
        job.estimate = info ? std::max(0LL, info->featureCount) : 0;
    }

    // Big projects: layers read on both cores, each thread with its own connection to every
    // source (connections are not shared between threads), the biggest layers handed out first.
    long long total = 0;
    for (const auto& job : jobs) total += job.estimate;
    const int threads = total >= 20000 && jobs.size() >= 2 ? 2 : 1;
    std::vector<size_t> order(jobs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (threads > 1) std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return jobs[a].estimate > jobs[b].estimate; });
    std::atomic<size_t> next{0}, done{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    const auto run = [&](bool main) {
        try {
            std::vector<std::unique_ptr<FeatureSource>> own(sources.size());
            for (size_t k; (k = next.fetch_add(1)) < order.size();) {
                Job& job = jobs[order[k]];
                if (main && feedback) {
                    feedback->checkCancelled();
                    feedback->setProgress(double(done.load()) / double(jobs.size()), "读取图层 " + job.c.name);
                }
                FeatureSource* source = job.c.source;
                if (!main) {
                    auto& mine = own[job.c.sourceIndex];
                    if (!mine) mine = source->reopen();
                    source = mine.get();
                }
                LayerLoader::load(job, *source, data->m_epsg, within);
                ++done;
            }
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
            next = order.size();
        }
    };
    std::optional<std::thread> helper;
    if (threads > 1) helper.emplace(run, false);
    run(true);
    if (helper) helper->join();
    if (error) std::rethrow_exception(error);
    for (auto& job : jobs) {
        for (const auto& s : job.sources) data->m_bySource.emplace_back(s, job.layer.get());
        data->m_layers.push_back(std::move(job.layer));
    }
    loadGrids(*data, sources, requests);
    if (feedback) feedback->setProgress(1.0, "读取完成");
    return data;
}

const FeatureLayer* MapData::find(const std::string& source) const {
    for (const auto& [s, l] : m_bySource)
        if (s == source) return l;
    return nullptr;
}

Box MapData::extent() const {
    for (const auto& l : m_layers)
        if (l->name == "county" && l->extent().valid()) return l->extent();
    Box b{1, 1, 0, 0};
    for (const auto& l : m_layers) b.include(l->extent());
    return b;
}

}  // namespace ruralatlas::render
