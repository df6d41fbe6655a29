#!/usr/bin/python3
"""Opens the QGIS project RuralAtlas keeps inside a GeoPackage with the real QGIS (headless) and
draws it to a PNG, as a planner would see it in QGIS. Usage (Debian's Python, python3-qgis):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis_preview.py PROJECT.gpkg OUT.png [WIDTHxHEIGHT]
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject, QgsMapSettings, QgsMapRendererSequentialJob
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def main():
    gpkg, png = os.path.abspath(sys.argv[1]), sys.argv[2]
    w, h = (int(v) for v in (sys.argv[3] if len(sys.argv) > 3 else "1600x1200").split("x"))
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read("geopackage:%s?projectName=RuralAtlas" % gpkg):
        sys.exit("%s: no QGIS project inside (write one with: ruralatlas qgis-styles %s)" % (gpkg, gpkg))
    root = project.layerTreeRoot()
    layers = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer() and n.layer().isSpatial()]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    extent = None
    for layer in layers:
        if layer.source().endswith("layername=county"):
            extent = layer.extent()
    settings.setExtent(extent if extent else layers[0].extent())
    settings.setOutputSize(QSize(w, h))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png)
    print("QGIS %s drew %s (%d layers, %s, 1:%.0f) to %s" % (project.title(), gpkg, len(layers), project.crs().authid(),
                                                          settings.scale(), png))
    sys.stdout.flush()
    os._exit(0)  # PyQGIS 3.22 may crash in its teardown (exitQgis)


main()
