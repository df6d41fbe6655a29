#!/usr/bin/python3
"""Writes the bad-file corpus of tests/data/bad/ (run with Debian's python3, which has GDAL):
small files of the kinds county staff receive, each answered in expected.tsv. Run once; the
files are committed. Every coordinate lies in 永顺县 (433127), 109.6-110.4 E, 28.7-29.45 N."""
import os
import struct
import zipfile

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def shapefile(name, fields, rows, encoding, prj=True, ldid=None, cpg=None):
    """Point Shapefile with text fields. The DBF is written by GDAL with the given encoding,
    then its language-driver byte (29) is set by hand; .cpg and .prj as asked."""
    base = path(name)
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        if os.path.exists(base + ext):
            os.remove(base + ext)
    drv = ogr.GetDriverByName("ESRI Shapefile")
    ds = drv.CreateDataSource(base + ".shp")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    layer = ds.CreateLayer(name, srs, ogr.wkbPoint, options=[f"ENCODING={encoding}"])
    for f in fields:
        layer.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    for (x, y), values in rows:
        feat = ogr.Feature(layer.GetLayerDefn())
        for f, v in zip(fields, values):
            feat.SetField(f, v)
        feat.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})"))
        layer.CreateFeature(feat)
    ds = None
    if not prj:
        os.remove(base + ".prj")
    if os.path.exists(base + ".cpg") and cpg is None:
        os.remove(base + ".cpg")
    if cpg is not None:
        open(base + ".cpg", "w").write(cpg)
    if ldid is not None:
        with open(base + ".dbf", "r+b") as f:
            f.seek(29)
            f.write(bytes([ldid]))


CLINICS = [((109.85, 29.0), ["司城村卫生室", "village_clinic"]), ((109.9, 29.05), ["黑龙江省村卫生室", "village_clinic"])]

# A Shapefile without .prj (seen: files cut out of a CAD drawing or mailed without it).
shapefile("no_prj", ["name", "kind"], CLINICS, "UTF-8", prj=False)
# GBK DBF without .cpg, language driver 0 (ArcGIS 9 / old MapGIS exports) and 0x4D (GBK).
shapefile("gbk_ldid0", ["name", "kind"], CLINICS, "CP936", ldid=0)
shapefile("gbk_ldid4d", ["name", "kind"], CLINICS, "CP936", ldid=0x4D)
# UTF-8 DBF without .cpg: a reader that assumes GBK shows 榛戦緳姹熺渷 for 黑龙江省.
shapefile("utf8_no_cpg", ["name", "kind"], CLINICS, "UTF-8", ldid=0)
# GBK field names (名称, 类型), no .cpg, LDID 0x4D.
shapefile("gbk_field_names", ["名称", "类型"], CLINICS, "CP936", ldid=0x4D)
# Text destroyed upstream: U+FFFD where the characters were (a GBK file read as UTF-8 and saved).
shapefile("replacement_chars", ["name", "kind"], [((109.85, 29.0), ["\ufffd\ufffd村卫生室", "village_clinic"])], "UTF-8", cpg="UTF-8")

# A truncated .shp: the last record cut in half (a copy that stopped, a mail size limit).
shapefile("truncated", ["name", "kind"], CLINICS * 3, "UTF-8", cpg="UTF-8")
data = open(path("truncated.shp"), "rb").read()
open(path("truncated.shp"), "wb").write(data[:-10])

# A 12-digit code a spreadsheet stored as a float and wrote in scientific notation.
open(path("code_as_float.csv"), "w", encoding="utf-8").write(
    "code,name,lon,lat\n4.3312710e+11,司城村,109.85,29.0\n")
# Latitude first under lon/lat headers.
open(path("latitude_first.csv"), "w", encoding="utf-8").write(
    "name,kind,lon,lat\n司城村卫生室,village_clinic,29.0,109.85\n颗砂卫生室,village_clinic,29.05,109.9\n")
# An empty file.
open(path("empty.csv"), "wb").close()
# A "GeoPackage" that is a renamed spreadsheet export (text).
open(path("not_a_geopackage.gpkg"), "w", encoding="utf-8").write("名称,类型\n司城村卫生室,村卫生室\n")
# Mixed geometry types in one GeoJSON.
open(path("mixed_geometries.geojson"), "w", encoding="utf-8").write(
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"name":"司城村卫生室","kind":"village_clinic"},"geometry":{"type":"Point","coordinates":[109.85,29.0]}},'
    '{"type":"Feature","properties":{"name":"村道","kind":"village_clinic"},"geometry":{"type":"LineString","coordinates":[[109.85,29.0],[109.9,29.05]]}}]}')
# KML whose names are in CDATA (Google Earth and 奥维 exports).
open(path("cdata_names.kml"), "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    '<Placemark><name><![CDATA[司城村卫生室]]></name><ExtendedData><Data name="kind"><value>village_clinic</value></Data></ExtendedData>'
    '<Point><coordinates>109.85,29.0,0</coordinates></Point></Placemark>'
    '<Placemark><name><![CDATA[颗砂 & 卫生室]]></name><ExtendedData><Data name="kind"><value>village_clinic</value></Data></ExtendedData>'
    '<Point><coordinates>109.9,29.05,0</coordinates></Point></Placemark></Document></kml>\n')
# A point layer whose geometry agrees with none of its own coordinate columns (the columns were
# edited in Excel after the points were drawn, or the points were moved after).
open(path("geometry_disagrees.geojson"), "w", encoding="utf-8").write(
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"name":"司城村卫生室","kind":"village_clinic","经度":110.3,"纬度":29.4},"geometry":{"type":"Point","coordinates":[109.85,29.0]}},'
    '{"type":"Feature","properties":{"name":"颗砂卫生室","kind":"village_clinic","经度":110.35,"纬度":29.41},"geometry":{"type":"Point","coordinates":[109.9,29.05]}}]}')
# Beijing 1954 3-degree Gauss-Kruger zone 37 with the zone in the easting (37xxxxxx.x).
srs = osr.SpatialReference(); srs.ImportFromEPSG(2413)  # Beijing 1954 / 3-degree Gauss-Kruger zone 37
src = osr.SpatialReference(); src.ImportFromEPSG(4214)   # Beijing 1954 geographic
src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER); srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
ct = osr.CoordinateTransformation(src, srs)
rows = []
for (lon, lat), (name, kind) in CLINICS:
    x, y, _ = ct.TransformPoint(lon, lat)
    rows.append(f"{name},{kind},{x:.2f},{y:.2f}")
open(path("beijing54_zone37.csv"), "w", encoding="utf-8").write("name,kind,x,y\n" + "\n".join(rows) + "\n")
# A DEM whose NoData is the float maximum (ArcGIS's default for float rasters).
ds = gdal.GetDriverByName("GTiff").Create(path("dem_nodata_floatmax.tif"), 40, 40, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
ds.SetGeoTransform([109.8, 0.005, 0, 29.1, 0, -0.005])
s4326 = osr.SpatialReference(); s4326.ImportFromEPSG(4326); ds.SetProjection(s4326.ExportToWkt())
band = ds.GetRasterBand(1)
nodata = 3.4028234663852886e38
band.SetNoDataValue(nodata)
vals = [nodata if (i < 5 or j < 3) else 300.0 + 5 * i + 2 * j for j in range(40) for i in range(40)]
band.WriteRaster(0, 0, 40, 40, struct.pack(f"<{len(vals)}f", *vals))
ds = None


# An XLSX ledger with a merged title row above the header row (the usual 台账 layout).
def xlsx(name, rows, merge):
    merges = [merge] if isinstance(merge, str) else merge
    def cell(ref, v):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    cols = "ABCDEFGH"
    sheet_rows = "".join(
        f'<row r="{r + 1}">' + "".join(cell(f"{cols[c]}{r + 1}", v) for c, v in enumerate(row) if v != "") + "</row>"
        for r, row in enumerate(rows))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{sheet_rows}</sheetData><mergeCells count="{len(merges)}">'
             + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + '</mergeCells></worksheet>')
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)


xlsx("two_header_rows.xlsx", [["永顺县村级台账（2025年）", "", ""], ["村代码", "村名", "户籍人口"],
                              ["433127101201", "伴湖村", "1203"]], "A1:C1")
# A title, then group headings merged over their columns with the names under them, and 序号
# merged down over both heading rows (the 台账 layout of most county offices).
xlsx("grouped_headers.xlsx", [["永顺县村级台账（2025年）", "", "", "", ""],
                              ["序号", "基本信息", "", "人口", ""],
                              ["", "村代码", "村名", "户籍人口", "户数"],
                              ["1", "433127101201", "伴湖村", "1203", "350"],
                              ["2", "433127101202", "", "980", "301"]],
     ["A1:E1", "A2:A3", "B2:C2", "D2:E2"])
