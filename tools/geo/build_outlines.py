#!/usr/bin/env python3
"""Builds the outlines the HTML report draws its maps on, from the us-atlas and world-atlas npm packages.

    npm pack us-atlas@3.0.1 world-atlas@2.0.2        # in a scratch folder
    tar xzf us-atlas-3.0.1.tgz && mv package us-atlas
    tar xzf world-atlas-2.0.2.tgz && mv package world-atlas
    python3 tools/geo/build_outlines.py SCRATCH_FOLDER src/report/html/geo

Reads us-atlas/states-10m.json and us-atlas/counties-10m.json (US Census cartographic boundary files,
public domain; counties by their 5-digit FIPS code) and world-atlas/land-110m.json (Natural Earth, public
domain), decodes the TopoJSON arcs, simplifies each ring (Douglas-Peucker) and writes one ring per line:
`ID<TAB>lon,lat lon,lat ...` in hundredths of a degree.
Standard library only; the output is deterministic.
"""
import json
import sys
from pathlib import Path

STATE_CODES = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "72": "PR",
}


# Counties are drawn filled, not outlined: a coarser line than the states' still reads at report scale.
COUNTY_TOLERANCE = 0.04
COUNTY_MIN_AREA = 0.02


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(arcs, ring):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def simplify(points, tolerance):
    """Douglas-Peucker on a closed ring, keeping its first point."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        best, best_d = None, tolerance
        for i in range(a + 1, b):
            px, py = points[i]
            dx, dy = bx - ax, by - ay
            length = (dx * dx + dy * dy) ** 0.5
            if length == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if d > best_d:
                best, best_d = i, d
        if best is not None:
            keep[best] = True
            stack.append((a, best))
            stack.append((best, b))
    return [p for p, k in zip(points, keep) if k]


def split_antimeridian(points):
    """A ring cut at the antimeridian runs along ±180 and jumps across the map there; the points between
    an odd and an even jump are on the other side. Returns the ring's two sides as rings of their own (each
    closed along ±180), so that no edge crosses the map."""
    sides, side = ([], []), 0
    for k, (x, y) in enumerate(points):
        if k and abs(x - points[k - 1][0]) > 180:
            side = 1 - side
        sides[side].append((x, y))
    return [ring for ring in sides if len(ring) >= 4]


def ring_area(points):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))) / 2


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in header:
            f.write(f"# {line}\n")
        for ident, points in rows:
            coords = " ".join(f"{round(x * 100)},{round(y * 100)}" for x, y in points)
            f.write(f"{ident}\t{coords}\n")


def build(topo_path, objects, ident, tolerance, min_area, keep=lambda points: True):
    topo = json.loads(Path(topo_path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    rows = []
    for geometry in topo["objects"][objects]["geometries"]:
        name = ident(geometry)
        if name is None:
            continue
        # Outer rings only: holes are too small to see at report scale. Small islands are dropped, but a
        # shape's largest ring is always kept (DC is smaller than the threshold).
        raw = [ring_points(arcs, polygon[0]) for polygon in polygons(geometry)]
        outer = [simplify(points, tolerance) for points in raw]
        outer = [part for points in outer if len(points) >= 4 and keep(points) for part in split_antimeridian(points)]
        if not outer and raw:
            # A shape smaller than the tolerance (an independent city of Virginia) keeps its largest ring,
            # simplified ten times finer, so that every id of the source is on the map.
            outer = [p for p in [simplify(max(raw, key=ring_area), tolerance / 10)] if len(p) >= 4 and keep(p)]
        largest = max(outer, key=ring_area, default=None)
        for points in outer:
            if points is largest or ring_area(points) >= min_area:
                rows.append((name, points))
    return rows


def main():
    scratch, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    states = build(
        scratch / "us-atlas" / "states-10m.json", "states",
        lambda g: STATE_CODES.get(g.get("id")), 0.03, 0.02,
    )
    write(out / "us_states.txt", [
        "US state outlines, simplified (Douglas-Peucker, 0.03 degrees; rings under 0.02 square degrees dropped).",
        "Source: us-atlas 3.0.1 states-10m.json, from the US Census Bureau cartographic boundary files",
        "(public domain). Built by tools/geo/build_outlines.py. One ring per line: state<TAB>lon,lat ...",
        "in hundredths of a degree.",
    ], states)
    counties = build(
        scratch / "us-atlas" / "counties-10m.json", "counties",
        lambda g: g.get("id") if g.get("id", "")[:2] in STATE_CODES else None, COUNTY_TOLERANCE, COUNTY_MIN_AREA,
    )
    write(out / "us_counties.txt", [
        f"US county outlines, simplified (Douglas-Peucker, {COUNTY_TOLERANCE} degrees; rings under {COUNTY_MIN_AREA} square degrees",
        "dropped, but a county's largest ring is always kept, at a tenth of the tolerance if it is smaller).",
        "Source: us-atlas 3.0.1 counties-10m.json, from the US Census Bureau cartographic boundary files",
        "(public domain). Built by tools/geo/build_outlines.py. One ring per line: county FIPS<TAB>lon,lat ...",
        "in hundredths of a degree. The report draws only the counties that hold accounts.",
    ], counties)
    land = build(
        scratch / "world-atlas" / "land-110m.json", "land", lambda g: "land", 0.3, 2.0,
        keep=lambda points: max(y for _, y in points) > -58,  # Antarctica is not a sales region
    )
    write(out / "world_land.txt", [
        "World land outlines, simplified (Douglas-Peucker, 0.3 degrees; rings under 2 square degrees and",
        "Antarctica dropped; rings cut at the antimeridian split into their two sides).",
        "Source: world-atlas 2.0.2 land-110m.json, from Natural Earth (public domain).",
        "Built by tools/geo/build_outlines.py. One ring per line: land<TAB>lon,lat ... in hundredths of a degree.",
    ], land)


if __name__ == "__main__":
    main()
