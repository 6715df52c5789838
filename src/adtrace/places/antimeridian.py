"""Outline rings and routes across the antimeridian (longitude ±180), for maps drawn in the plane.

Why: world-atlas 2 stitches the countries Natural Earth cuts at ±180 (Russia's Chukotka and Wrangel Island,
Fiji, Antarctica) back together, for round-globe renderers. Drawn in the plane, a ring that steps from 178.6
to -180 is a straight line across the whole map. `whole` gives such a ring in one piece, its longitudes
running on past 180 (a ring round a pole, Antarctica, closed along the pole); `unwrap` moves a route's
longitudes the same way, so each leg takes the short way (Tokyo to Honolulu over the Pacific). The PDF's
route map (mapsvg) draws them a turn over where its view passes ±180. The browser's Leaflet maps, one world
wide, cut such rings at the meridian instead (the app's static/antimeridian.js).
"""

from __future__ import annotations

from collections.abc import Sequence

Ring = list[tuple[float, float]]  # (lon, lat)


def unwrap(points: Sequence[tuple[float, float]]) -> Ring:
    """The points with each longitude moved by whole turns to lie within 180 of the one before."""
    out: Ring = []
    for lon, lat in points:
        if out:
            lon += 360 * round((out[-1][0] - lon) / 360)
        out.append((lon, lat))
    return out


def whole(ring: Sequence[tuple[float, float]]) -> Ring:
    """A closed ring drawn in the plane without a line across the map: unwrapped, and closed along the pole
    when it goes round one (its last point then lies a turn from its first)."""
    flat = unwrap(ring)
    if flat and abs(flat[-1][0] - flat[0][0]) > 180:
        pole = -90.0 if sum(lat for _, lat in flat) < 0 else 90.0
        flat += [(flat[-1][0], pole), (flat[0][0], pole)]
    return flat
