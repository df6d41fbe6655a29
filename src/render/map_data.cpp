#include "map_data.hpp"

#include <algorithm>
#include <atomic>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/landuse.hpp"
#include "core/timing.hpp"
#include "io/project.hpp"

namespace ruralatlas::render {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using Item = std::pair<BBox, uint32_t>;

struct FeatureLayer::Index {
    bgi::rtree<Item, bgi::rstar<16>> tree;
};

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
    if (def) {
        if (const FieldDef* f = def->field(field)) {
            if (!f->enumeration.empty())
                if (const Enumeration* e = findEnumeration(f->enumeration))
                    for (const auto& ev : e->values)
                        if (ev.code == s) return std::string(ev.titleZh);
            if (field == "landuse_code") {
                const auto t = landuseTitle(s);
                if (!t.empty()) return std::string(t);
            }
        }
    }
    return s;
}

void FeatureLayer::query(const Box& box, std::vector<uint32_t>& out) const {
    out.clear();
    if (!m_index) return;
    const BBox q(BPoint(box.minx, box.miny), BPoint(box.maxx, box.maxy));
    m_index->tree.query(bgi::intersects(q), boost::make_function_output_iterator([&](const Item& it) { out.push_back(it.second); }));
    std::sort(out.begin(), out.end());
}

namespace {

void appendPart(std::vector<double>& xy, std::vector<uint32_t>& partPoint, const OGRSimpleCurve& c, Box& box) {
    const int n = c.getNumPoints();
    if (n == 0) return;
    for (int i = 0; i < n; ++i) {
        const double x = c.getX(i), y = c.getY(i);
        xy.push_back(x);
        xy.push_back(y);
        box.include({x, y, x, y});
    }
    partPoint.push_back(uint32_t(xy.size() / 2));
}

bool sameCrs(const OGRSpatialReference* srs, int epsg) {
    if (!srs) return true;  // no CRS declared: assume the project's
    const char* code = srs->GetAuthorityCode(nullptr);
    if (code && std::atoi(code) == epsg) return true;
    OGRSpatialReference want;
    want.importFromEPSG(epsg);
    return srs->IsSame(&want) != 0;
}

}  // namespace

std::shared_ptr<MapData> MapData::load(io::Project& project, const std::vector<std::string>& extraFiles,
                                       const std::vector<LayerRequest>& requests, const std::optional<Box>& within, Feedback* feedback) {
    auto data = std::make_shared<MapData>();
    data->m_epsg = project.epsg();
    data->m_projectPath = project.path();
    data->dataDate = project.meta("data_date");
    data->countyName = project.meta("county_name");
    data->synthetic = project.meta("synthetic") == "true";

    std::vector<io::DatasetPtr> extras;
    for (const auto& f : extraFiles) extras.push_back(io::openVector(f, false));
    struct Candidate {
        GDALDataset* ds;
        std::string file;
        std::string name;
    };
    std::vector<Candidate> candidates;
    const auto addAll = [&](GDALDataset* ds, const std::string& file) {
        for (int i = 0; i < ds->GetLayerCount(); ++i) {
            const std::string n = ds->GetLayer(i)->GetName();
            candidates.push_back({ds, file, n});
            data->m_available.push_back(n);
        }
    };
    addAll(&project.dataset(), project.path());
    for (size_t i = 0; i < extras.size(); ++i) addAll(extras[i].get(), extraFiles[i]);

    // Merge requests per resolved layer (several style layers may draw the same source).
    struct Job {
        Candidate c;
        std::vector<std::string> fields;
        bool anchors = false;
        std::vector<std::string> sources;
        bool readAll = false;            // some request wants every feature
        std::vector<std::string> where;  // else the union of these conditions
        GIntBig estimate = 0;            // features in the layer (to hand out big ones first)
        std::unique_ptr<FeatureLayer> layer;
    };
    std::vector<Job> jobs;
    for (const auto& r : requests) {
        const Candidate* found = nullptr;
        for (const auto& c : candidates)
            if (globMatch(r.source, c.name)) {
                found = &c;
                break;
            }
        if (!found) continue;  // the caller decides whether a missing source is an error
        const LayerDef* def = findLayer(found->name);
        if (found->ds == &project.dataset() && def && def->personal)
            throw DataError(
                {r.styleFile, found->name, "line " + std::to_string(r.styleLine), ""},
                "personal data (" + std::string(def->titleZh) + ") is never drawn on a map; show per-village aggregates instead");
        auto it = std::find_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.c.ds == found->ds && j.c.name == found->name; });
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
            OGRFeatureDefn* defn = found->ds->GetLayerByName(found->name.c_str())->GetLayerDefn();
            const auto fieldType = [defn](const std::string& f) -> char {
                const int i = defn->GetFieldIndex(f.c_str());
                if (i < 0) return 0;
                switch (defn->GetFieldDefn(i)->GetType()) {
                    case OFTString:
                        return 's';
                    case OFTInteger:
                    case OFTInteger64:
                    case OFTReal:
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
    for (auto& job : jobs) job.estimate = std::max<GIntBig>(0, job.c.ds->GetLayerByName(job.c.name.c_str())->GetFeatureCount(FALSE));

    // One job: read a layer into memory through `ds` (the caller's connection to its file).
    const auto loadJob = [&](Job& job, GDALDataset* ds) {
        PhaseTimer timer("load " + job.c.name);
        OGRLayer* ol = ds->GetLayerByName(job.c.name.c_str());
        OGRFeatureDefn* defn = ol->GetLayerDefn();
        if (defn->GetGeomFieldCount() == 0) throw DataError({job.c.file, job.c.name, "", ""}, "the layer has no geometry to draw");
        if (!sameCrs(ol->GetSpatialRef(), data->m_epsg))
            throw DataError({job.c.file, job.c.name, "", ""}, "the layer is not in the project CRS EPSG:" + std::to_string(data->m_epsg) +
                                                                  "; import it into the project first");
        auto layer = std::make_unique<FeatureLayer>();
        layer->name = job.c.name;
        layer->file = job.c.file;
        layer->def = job.c.file == data->m_projectPath ? findLayer(job.c.name) : nullptr;
        if (layer->def) layer->title = std::string(layer->def->titleZh);
        if (layer->title.empty()) {
            // Analysis results carry their Chinese title in gpkg_contents.identifier.
            const char* id = ol->GetMetadataItem("IDENTIFIER");
            layer->title = id && *id ? id : job.c.name;
        }
        const OGRwkbGeometryType gt = wkbFlatten(ol->GetGeomType());
        layer->shape =
            (gt == wkbPoint || gt == wkbMultiPoint) ? Shape::Point
            : (gt == wkbLineString || gt == wkbMultiLineString || gt == wkbCircularString || gt == wkbCompoundCurve || gt == wkbMultiCurve)
                ? Shape::Line
                : Shape::Polygon;
        std::vector<int> fieldIdx;
        for (const auto& f : job.fields) {
            const int idx = defn->GetFieldIndex(f.c_str());
            if (idx < 0) {
                std::string list;
                for (int i = 0; i < defn->GetFieldCount(); ++i) list += std::string(i ? ", " : "") + defn->GetFieldDefn(i)->GetNameRef();
                throw DataError({job.c.file, job.c.name, "", f}, "the style uses a field the layer does not have (fields: " + list + ")");
            }
            fieldIdx.push_back(idx);
            layer->m_columnNames.push_back(f);
        }
        layer->m_columns.resize(job.fields.size());
        // Skip parsing the fields nobody draws.
        std::vector<std::string> ignoredStore;
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (std::find(fieldIdx.begin(), fieldIdx.end(), i) == fieldIdx.end())
                ignoredStore.push_back(defn->GetFieldDefn(i)->GetNameRef());
        std::vector<const char*> ignored;
        for (const auto& s : ignoredStore) ignored.push_back(s.c_str());
        ignored.push_back(nullptr);
        ol->SetIgnoredFields(ignored.data());
        if (within)
            ol->SetSpatialFilterRect(within->minx, within->miny, within->maxx, within->maxy);
        else
            ol->SetSpatialFilter(nullptr);
        std::string where;
        if (!job.readAll && !job.where.empty()) {
            for (const auto& w : job.where) where += (where.empty() ? "(" : " OR (") + w + ")";
            // A filter the driver refuses only costs speed: read everything instead.
            if (ol->SetAttributeFilter(where.c_str()) != OGRERR_NONE) {
                ol->SetAttributeFilter(nullptr);
                where.clear();
            }
        }
        ol->ResetReading();

        const GIntBig count = where.empty() ? ol->GetFeatureCount(FALSE) : -1;
        if (count > 0) {
            layer->m_fid.reserve(size_t(count));
            layer->m_bbox.reserve(size_t(count));
        }
        std::vector<Item> items;
        for (;;) {
            io::FeaturePtr f(ol->GetNextFeature());
            if (!f) break;
            OGRGeometry* g = f->GetGeometryRef();
            if (!g || g->IsEmpty()) continue;
            std::unique_ptr<OGRGeometry> linear;
            if (g->hasCurveGeometry()) {
                linear.reset(g->getLinearGeometry());
                g = linear.get();
            }
            Box box{1, 1, 0, 0};
            const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
            std::array<double, 2> anchor{0, 0};
            if (t == wkbPoint) {
                const auto* p = g->toPoint();
                layer->m_xy.push_back(p->getX());
                layer->m_xy.push_back(p->getY());
                layer->m_partPoint.push_back(uint32_t(layer->m_xy.size() / 2));
                box = {p->getX(), p->getY(), p->getX(), p->getY()};
                anchor = {p->getX(), p->getY()};
            } else if (t == wkbMultiPoint) {
                for (const auto* p : *g->toMultiPoint()) {
                    layer->m_xy.push_back(p->getX());
                    layer->m_xy.push_back(p->getY());
                    layer->m_partPoint.push_back(uint32_t(layer->m_xy.size() / 2));
                    box.include({p->getX(), p->getY(), p->getX(), p->getY()});
                }
                anchor = {layer->m_xy[layer->m_partPoint[layer->m_featPart.back()] * 2],
                          layer->m_xy[layer->m_partPoint[layer->m_featPart.back()] * 2 + 1]};
            } else if (t == wkbLineString) {
                appendPart(layer->m_xy, layer->m_partPoint, *g->toLineString(), box);
            } else if (t == wkbMultiLineString) {
                for (const auto* ls : *g->toMultiLineString()) appendPart(layer->m_xy, layer->m_partPoint, *ls, box);
            } else if (t == wkbPolygon || t == wkbMultiPolygon) {
                const auto addPoly = [&](const OGRPolygon& poly) {
                    for (const auto* ring : poly) appendPart(layer->m_xy, layer->m_partPoint, *ring, box);
                };
                if (t == wkbPolygon)
                    addPoly(*g->toPolygon());
                else
                    for (const auto* poly : *g->toMultiPolygon()) addPoly(*poly);
                if (job.anchors) {
                    OGRGeometryH pos = OGR_G_PointOnSurface(OGRGeometry::ToHandle(g));
                    if (pos && !OGR_G_IsEmpty(pos))
                        anchor = {OGR_G_GetX(pos, 0), OGR_G_GetY(pos, 0)};
                    else
                        anchor = {(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2};
                    if (pos) OGR_G_DestroyGeometry(pos);
                }
            } else {
                continue;  // geometry collections and other kinds are not drawn
            }
            if (layer->m_partPoint.size() - 1 == layer->m_featPart.back()) continue;  // nothing appended
            if (t == wkbLineString || t == wkbMultiLineString) {
                // The middle vertex of the first part: where a point-placed label of a line goes.
                const size_t p0 = layer->m_partPoint[layer->m_featPart.back()], p1 = layer->m_partPoint[layer->m_featPart.back() + 1];
                const size_t mid = p0 + (p1 - p0) / 2;
                anchor = {layer->m_xy[mid * 2], layer->m_xy[mid * 2 + 1]};
            }
            layer->m_featPart.push_back(uint32_t(layer->m_partPoint.size() - 1));
            const uint32_t index = uint32_t(layer->m_fid.size());
            layer->m_fid.push_back(f->GetFID());
            layer->m_bbox.push_back(box);
            layer->m_anchor.push_back(anchor);
            layer->m_extent.include(box);
            items.emplace_back(BBox(BPoint(box.minx, box.miny), BPoint(box.maxx, box.maxy)), index);
            for (size_t c = 0; c < fieldIdx.size(); ++c) {
                const int fi = fieldIdx[c];
                Value v;
                if (f->IsFieldSetAndNotNull(fi)) {
                    switch (defn->GetFieldDefn(fi)->GetType()) {
                        case OFTInteger:
                        case OFTInteger64:
                        case OFTReal:
                            v = f->GetFieldAsDouble(fi);
                            break;
                        default:
                            v = std::string(f->GetFieldAsString(fi));
                            break;
                    }
                }
                layer->m_columns[c].push_back(std::move(v));
            }
        }
        ol->SetIgnoredFields(nullptr);
        ol->SetSpatialFilter(nullptr);
        if (!where.empty()) ol->SetAttributeFilter(nullptr);
        layer->m_index = std::make_shared<FeatureLayer::Index>();
        layer->m_index->tree = bgi::rtree<Item, bgi::rstar<16>>(items.begin(), items.end());
        job.layer = std::move(layer);
    };

    // Big projects: layers read on both cores, each thread with its own connection to every
    // file (GDAL datasets are not shared between threads), the biggest layers handed out first.
    GIntBig total = 0;
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
            std::optional<io::Project> ownProject;
            std::vector<io::DatasetPtr> ownExtras;
            for (size_t k; (k = next.fetch_add(1)) < order.size();) {
                Job& job = jobs[order[k]];
                if (main && feedback) {
                    feedback->checkCancelled();
                    feedback->setProgress(double(done.load()) / double(jobs.size()), "读取图层 " + job.c.name);
                }
                GDALDataset* ds = job.c.ds;
                if (!main) {
                    if (job.c.ds == &project.dataset()) {
                        if (!ownProject) ownProject.emplace(io::Project::open(project.path(), false));
                        ds = &ownProject->dataset();
                    } else {
                        if (ownExtras.empty()) ownExtras.resize(extras.size());
                        for (size_t e = 0; e < extras.size(); ++e)
                            if (extras[e].get() == job.c.ds) {
                                if (!ownExtras[e]) ownExtras[e] = io::openVector(extraFiles[e], false);
                                ds = ownExtras[e].get();
                            }
                    }
                }
                loadJob(job, ds);
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
