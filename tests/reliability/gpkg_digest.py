#!/usr/bin/python3
"""Prints a digest of every table of a GeoPackage (SQLite), layer by layer, leaving out what
records the moment of writing (gpkg_contents.last_change, layer_styles.update_time and the
zipped QGIS project and its metadata, which carry their time). Two files with equal digests hold the same
layers, fields, values and geometries. Exit 2 when the file cannot be read as SQLite."""
import hashlib
import sqlite3
import sys

TIME_COLUMNS = {"last_change", "update_time"}


def digest(path):
    # Opened for writing, as a user opening the project would: SQLite rolls back a hot journal
    # left by a killed writer on open.
    con = sqlite3.connect(path)
    con.execute("PRAGMA quick_check").fetchall()
    out = []
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'rtree_%' ORDER BY name")]
    for t in tables:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
        keep = [c for c in cols if c not in TIME_COLUMNS and not (t == "qgis_projects" and c in ("content", "metadata"))]
        h = hashlib.sha256()
        n = 0
        for row in sorted(repr(r) for r in con.execute(
                "SELECT " + ",".join(f'"{c}"' for c in keep) + f' FROM "{t}"')):
            h.update(row.encode())
            n += 1
        out.append(f"{t}\t{n}\t{h.hexdigest()[:16]}")
    return "\n".join(out)


if __name__ == "__main__":
    try:
        print(digest(sys.argv[1]))
    except sqlite3.Error as e:
        print(f"{sys.argv[1]}: not readable: {e}", file=sys.stderr)
        sys.exit(2)
