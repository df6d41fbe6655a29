#!/usr/bin/python3
"""The project opens in QGIS titled and styled (issue: QGIS opens the project).

Run with Debian's Python, which has PyQGIS (python3-qgis):
    /usr/bin/python3 tests/qgis/qgis_project_test.py RURALATLAS_BINARY STYLES_DIR

Builds the demo county with the tool, then opens every layer with the real QGIS (headless) and
checks against references read independently of the QML: the Chinese titles and enumerations the
project keeps in gpkg_data_columns / gpkg_data_column_constraints, and the RuralAtlas style JSON
(classifying field and number of classes). Renders a layer with QGIS and checks the picture;
edits features in QGIS, writes them to a GeoPackage with QGIS and imports that back.
"""
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsFeatureRequest, QgsExpression, QgsMapSettings, QgsMapRendererSequentialJob,
                           QgsVectorFileWriter, QgsCoordinateTransformContext, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError as e:  # the README's test command installs python3-qgis
    print("FAIL: PyQGIS is not installed (apt-get install python3-qgis): %s" % e)
    sys.exit(1)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        raise SystemExit("command failed: " + " ".join(args))
    return r.stdout


def classes_of(expr, styles_dir):
    """Our classes for a classifying expression: (field, count incl. the fallback)."""
    if not isinstance(expr, list) or len(expr) < 3:
        return None
    op = expr[0]
    if op == "match" and isinstance(expr[1], list) and expr[1][0] == "get":
        labels = set()
        for i in range(2, len(expr) - 1, 2):
            lab = expr[i]
            for v in (lab if isinstance(lab, list) else [lab]):
                labels.add(str(v))
        return expr[1][1], len(labels) + 1
    if op == "palette" and isinstance(expr[2], list) and expr[2][0] == "get":
        with open(os.path.join(styles_dir, expr[1]), encoding="utf-8") as f:
            rows = [r for r in csv.reader(line for line in f if not line.startswith("#")) if r and r[0] != "code"]
        return expr[2][1], len(set(r[0] for r in rows)) + 1
    return None


def our_classification(style, source, styles_dir):
    """The field and class count of the first data-driven colour (or icon) of a source."""
    colours = ["fill-color", "fill-hatch-color", "line-color", "circle-color", "icon-image"]
    drawing = [l for l in style["layers"] if l["source"] == source and
               (l["type"] != "symbol" or "icon-image" in l.get("layout", {}))]
    for l in drawing:
        prop = l.get("legend", {}).get("property") if isinstance(l.get("legend"), dict) else None
        if prop:
            props = dict(l.get("paint", {}), **l.get("layout", {}))
            c = classes_of(props.get(prop), styles_dir)
            if c:
                return c
    for l in drawing:
        props = dict(l.get("paint", {}), **l.get("layout", {}))
        for c in colours:
            got = classes_of(props.get(c), styles_dir)
            if got:
                return got
    return None


def main():
    binary, styles_dir = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ra-qgis-")
    project = os.path.join(tmp, "demo.gpkg")
    run(binary, "demo", "--out", project, "--villages", "120", "--no-dem")

    app = QgsApplication([], False)
    app.initQgis()

    db = sqlite3.connect(project)
    titles = {}
    for t, c, title in db.execute("SELECT table_name, column_name, title FROM gpkg_data_columns"):
        titles[(t, c)] = title
    enums = {}
    for name, value, desc in db.execute(
            "SELECT constraint_name, value, description FROM gpkg_data_column_constraints WHERE constraint_type = 'enum'"):
        enums.setdefault(name, {})[value] = desc
    constraint_of = {(t, c): n for t, c, n in db.execute(
        "SELECT table_name, column_name, constraint_name FROM gpkg_data_columns WHERE constraint_name IS NOT NULL")}
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') "
        "AND table_name NOT IN ('layer_styles', 'qgis_projects') ORDER BY table_name")]
    n_styles = db.execute("SELECT count(*) FROM layer_styles WHERE styleName = 'RuralAtlas' AND useAsDefault").fetchone()[0]
    db.close()
    check(n_styles == len(tables), "one default RuralAtlas style per table: %d styles, %d tables" % (n_styles, len(tables)))

    with open(os.path.join(styles_dir, "county.json"), encoding="utf-8") as f:
        style = json.load(f)

    categorized, aliases, value_maps = 0, 0, 0
    for table in tables:
        layer = QgsVectorLayer("%s|layername=%s" % (project, table), table, "ogr")
        if not check(layer.isValid(), "%s opens in QGIS" % table):
            continue
        fields = layer.fields()
        for i in range(fields.count()):
            name = fields.at(i).name()
            want = titles.get((table, name))
            if want:
                aliases += check(layer.attributeAlias(i) == want,
                                 "%s.%s alias is %r, the data model says %r" % (table, name, layer.attributeAlias(i), want))
            cname = constraint_of.get((table, name))
            if cname and cname in enums:
                setup = layer.editorWidgetSetup(i)
                check(setup.type() == "ValueMap", "%s.%s (enumeration %s) has a value map, not %r" % (table, name, cname, setup.type()))
                got = {}
                for item in setup.config().get("map", []):
                    for title, code in item.items():
                        got[code] = title
                value_maps += check(got == enums[cname], "%s.%s value map equals enumeration %s" % (table, name, cname))
        if table == "villages":
            idx = fields.indexOf("township_code")
            check(layer.editFormConfig().readOnly(idx), "villages.township_code is read-only in QGIS")
        if layer.geometryType() == 4:  # no geometry: nothing to draw
            continue
        ours = our_classification(style, table, styles_dir)
        r = layer.renderer()
        if ours:
            field, count = ours
            if check(r.type() == "categorizedSymbol", "%s renderer is categorised (ours classifies on %s), not %s" % (table, field, r.type())):
                categorized += 1
                check(r.classAttribute() == field, "%s categorised on %s, ours on %s" % (table, r.classAttribute(), field))
                check(len(r.categories()) == count, "%s has %d classes, ours %d" % (table, len(r.categories()), count))
        else:
            check(r.type() in ("singleSymbol", "graduatedSymbol"), "%s renderer %s" % (table, r.type()))
    check(categorized >= 5, "at least five layers categorised as in our style (got %d)" % categorized)
    check(aliases >= 80 and value_maps >= 10, "titles and value maps checked: %d aliases, %d value maps" % (aliases, value_maps))
    print("%d tables: %d aliases, %d value maps, %d categorised renderers as ours" % (len(tables), aliases, value_maps, categorized))

    # The QGIS project inside the GeoPackage: every table under its Chinese title, valid, in
    # the project's CRS, personal data switched off.
    db = sqlite3.connect(project)
    idents = {t: i for t, i in db.execute("SELECT table_name, identifier FROM gpkg_contents")}
    srs = db.execute("SELECT srs_id FROM gpkg_contents WHERE table_name = 'villages'").fetchone()[0]
    db.close()
    qp = QgsProject.instance()
    check(qp.read("geopackage:%s?projectName=RuralAtlas" % project), "QGIS opens the project stored in the GeoPackage")
    by_source = {}
    for lyr in qp.mapLayers().values():
        by_source[lyr.source().split("layername=")[-1]] = lyr
    check(set(by_source) == set(tables), "the project holds every table: missing %s" % sorted(set(tables) - set(by_source)))
    for table, lyr in by_source.items():
        check(lyr.isValid(), "project layer %s is valid" % table)
        check(lyr.name() == idents.get(table), "project layer %s is titled %r, gpkg_contents says %r" % (table, lyr.name(), idents.get(table)))
    check(qp.crs().authid() == "EPSG:%d" % srs, "project CRS %s is the data's EPSG:%d" % (qp.crs().authid(), srs))
    root = qp.layerTreeRoot()
    check(not root.findLayer(by_source["households"].id()).isVisible(), "households (personal data) start switched off")
    check(root.findLayer(by_source["villages"].id()).isVisible(), "villages start switched on")
    order = [n.layer().source().split("layername=")[-1] for n in root.findLayers()]
    check(order.index("villages") < order.index("townships") < order.index("county"),
          "villages above townships above the county in the layer tree: %s" % order)
    qp.clear()

    # Colours are ours: the village class "former_poor" is drawn in the style's colour.
    villages = QgsVectorLayer("%s|layername=villages" % project, "villages", "ogr")
    want = None
    for l in style["layers"]:
        if l["id"] == "villages":
            e = l["paint"]["circle-color"]
            want = QColor(e[e.index("former_poor") + 1])
    cats = {c.value(): c for c in villages.renderer().categories()}
    check("former_poor" in cats and cats["former_poor"].symbol().color().name() == want.name(),
          "former_poor villages drawn in %s" % (want.name() if want else "?"))
    check(cats.get("former_poor") is not None and cats["former_poor"].label() == "脱贫村", "the class is labelled 脱贫村")
    check(villages.labelsEnabled(), "village names are labelled")

    # Render townships + villages with QGIS and look at the picture.
    townships = QgsVectorLayer("%s|layername=townships" % project, "townships", "ogr")
    settings = QgsMapSettings()
    settings.setLayers([villages, townships])
    settings.setDestinationCrs(townships.crs())
    settings.setExtent(townships.extent())
    settings.setOutputSize(QSize(600, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    png = os.path.join(tmp, "qgis_render.png")
    img.save(png)
    colours, non_white = set(), 0
    for y in range(0, img.height(), 3):
        for x in range(0, img.width(), 3):
            c = img.pixelColor(x, y)
            if (c.red(), c.green(), c.blue()) != (255, 255, 255):
                non_white += 1
            colours.add((c.red() // 8, c.green() // 8, c.blue() // 8))
    check(non_white > 2000, "QGIS drew the county (%d non-white samples) -> %s" % (non_white, png))
    check(len(colours) > 5, "QGIS picture has several colours (%d)" % len(colours))
    township_fill = QColor("#f4f1e6")
    check((township_fill.red() // 8, township_fill.green() // 8, township_fill.blue() // 8) in colours,
          "the township fill colour of our style appears in QGIS's picture")

    # A planner edits in QGIS; QGIS writes a GeoPackage; it imports back without loss.
    before = os.path.join(tmp, "before.csv")
    run(binary, "export", project, "--layer", "villages", "--out", before)
    edit = QgsVectorLayer("%s|layername=villages" % project, "villages", "ogr")
    feats = sorted(edit.getFeatures(), key=lambda f: f["code"])
    target = feats[3]
    edit.startEditing()
    pop_idx = edit.fields().indexOf("population")
    name_idx = edit.fields().indexOf("name")
    edit.changeAttributeValue(target.id(), pop_idx, 4321)
    edit.changeAttributeValue(target.id(), name_idx, "新名村")
    check(edit.commitChanges(), "QGIS saves the edit into the project: %s" % edit.commitErrors())
    out = os.path.join(tmp, "from_qgis.gpkg")
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = "villages_edited"
    res = QgsVectorFileWriter.writeAsVectorFormatV3(edit, out, QgsCoordinateTransformContext(), opts)
    check(res[0] == QgsVectorFileWriter.NoError, "QGIS writes a GeoPackage: %s" % (res,))
    # Back into a fresh copy of the project made before the edit.
    fresh = os.path.join(tmp, "fresh.gpkg")
    run(binary, "demo", "--out", fresh, "--villages", "120", "--no-dem")
    report = run(binary, "import", fresh, out, "--into", "villages", "--update")
    after = os.path.join(tmp, "after.csv")
    run(binary, "export", fresh, "--layer", "villages", "--out", after)

    def rows(path):
        with open(path, encoding="utf-8-sig") as f:
            return {r["code"]: r for r in csv.DictReader(f)}
    b, a = rows(before), rows(after)
    check(set(a) == set(b), "every village is there after the round trip (%d before, %d after)" % (len(b), len(a)))
    code = target["code"]
    check(a.get(code, {}).get("population") == "4321" and a.get(code, {}).get("name") == "新名村",
          "the QGIS edit arrived: %s" % a.get(code))
    changed = [c for c in b if c != code and {k: v for k, v in b[c].items()} != a.get(c)]
    check(not changed, "no other village changed in the round trip (%d differ, e.g. %s)" % (len(changed), changed[:1]))
    check(run(binary, "validate", fresh) is not None, "the project validates after the import")
    print(report.strip().splitlines()[0] if report.strip() else "")

    # A result GeoPackage opens titled too, its computed columns read-only.
    res_file = os.path.join(tmp, "coverage.gpkg")
    run(binary, "coverage", project, "--kind", "primary_school", "--mode", "road", "--out", res_file)
    rdb = sqlite3.connect(res_file)
    rtitles = {(t, c): title for t, c, title in rdb.execute("SELECT table_name, column_name, title FROM gpkg_data_columns")}
    rtables = [r[0] for r in rdb.execute("SELECT table_name FROM ruralatlas_results")]
    rdb.close()
    for table in rtables:
        layer = QgsVectorLayer("%s|layername=%s" % (res_file, table), table, "ogr")
        if not check(layer.isValid(), "result %s opens in QGIS" % table):
            continue
        titled = 0
        for i in range(layer.fields().count()):
            want = rtitles.get((table, layer.fields().at(i).name()))
            if want:
                titled += 1
                check(layer.attributeAlias(i) == want, "result %s.%s alias %r" % (table, layer.fields().at(i).name(), want))
                check(layer.editFormConfig().readOnly(i), "result %s.%s is read-only" % (table, layer.fields().at(i).name()))
        check(titled > 0, "result %s has titled columns" % table)
        if table.endswith("_links"):
            continue
        # Our style colours the villages by a case (not judged / unreachable / covered / not covered): QGIS
        # draws it with one rule per branch, and each rule selects exactly the villages ours does.
        r = layer.renderer()
        if check(r.type() == "RuleRenderer", "result %s drawn by rules, not %s" % (table, r.type())):
            rules = r.rootRule().children()
            check([x.label() for x in rules] == ["无数据，未评价（缺少设施或道路数据）", "不可达", "已覆盖（达标）", "未覆盖（超出标准）"],
                  "coverage rules labelled as our legend: %s" % [x.label() for x in rules])
            rdb = sqlite3.connect(res_file)
            want = [rdb.execute('SELECT count(*) FROM "%s" WHERE %s' % (table, w)).fetchone()[0] for w in
                    ["covered IS NULL", "covered IS NOT NULL AND reachable = 0", "covered = 1 AND reachable <> 0",
                     "covered IS NOT NULL AND NOT (reachable = 0 OR covered = 1)"]]
            total = rdb.execute('SELECT count(*) FROM "%s"' % table).fetchone()[0]
            rdb.close()
            got = [sum(1 for _ in layer.getFeatures(QgsFeatureRequest(QgsExpression(x.filterExpression())))) for x in rules]
            check(got == want and sum(got) == total, "features per rule %s, by SQL %s (total %d)" % (got, want, total))

    # Leave without QGIS's teardown: PyQGIS 3.22 may crash in exitQgis() after the checks.
    sys.stdout.flush()
    if failures:
        print("%d checks failed" % len(failures), flush=True)
        os._exit(1)
    print("all QGIS checks passed", flush=True)
    os._exit(0)


main()
