// Shapes and lines that cross the antimeridian (longitude ±180), cut there for Leaflet (used by investigate.js).
//
// Why: world-atlas 2 stitches the countries that Natural Earth cut at ±180 (Russia's Chukotka and Wrangel
// Island, Fiji, Antarctica) back together, for spherical renderers. Leaflet draws in the plane, one world wide,
// so a ring that steps from 178.6 to -180 drew a straight line across the whole world. Each such ring is cut
// into pieces on either side, closed along the meridian (the edge of Leaflet's world); a ring that goes round a
// pole (Antarctica) is closed along the pole first. Lines between two places take the short way round, cut
// the same way (Tokyo to Honolulu crosses the Pacific, not Asia and the Atlantic).
(function () {
  "use strict";

  // [lon, lat] points, each longitude moved by whole turns to lie within 180 of the one before.
  function unwrap(ring) {
    const out = [[ring[0][0], ring[0][1]]];
    for (let i = 1; i < ring.length; i++) {
      const prev = out[i - 1][0];
      let lon = ring[i][0];
      while (lon - prev > 180) lon -= 360;
      while (prev - lon > 180) lon += 360;
      out.push([lon, ring[i][1]]);
    }
    return out;
  }

  // The part of a closed ring on one side of the meridian x = at (keep > 0: x <= at; keep < 0: x >= at),
  // closed along it (Sutherland-Hodgman; a ring in several pieces there joins them along the meridian).
  function clipSide(ring, at, keep) {
    const out = [];
    const inside = (p) => keep * (at - p[0]) >= 0;
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i], b = ring[(i + 1) % ring.length];
      if (inside(a)) out.push(a);
      if (inside(a) !== inside(b)) out.push([at, a[1] + (at - a[0]) / (b[0] - a[0]) * (b[1] - a[1])]);
    }
    return out;
  }

  // A polygon's rings (outer first) as polygons each within -180..180 (the polygon itself when it is).
  function cutPolygon(rings) {
    const flat = rings.map((ring) => {
      const u = unwrap(ring);
      const drift = u[u.length - 1][0] - u[0][0];  // 0 for a closed ring, ±360 for one round a pole
      if (Math.abs(drift) > 180) {
        const pole = u.reduce((s, p) => s + p[1], 0) < 0 ? -90 : 90;
        u.push([u[u.length - 1][0], pole], [u[0][0], pole]);
      }
      return u;
    });
    const lons = flat.flatMap((ring) => ring.map((p) => p[0]));
    const lo = Math.min(...lons), hi = Math.max(...lons);
    if (lo >= -180 && hi <= 180) return [flat];
    const pieces = [];
    for (let k = Math.floor((lo + 180) / 360); k <= Math.floor((hi + 180) / 360) && k * 360 - 180 < hi; k++) {
      const west = k * 360 - 180, east = west + 360;
      // A ring only touching the meridian from the other side leaves a piece without area here: none.
      const clip = (ring) => clipSide(clipSide(ring, east, 1), west, -1);
      const real = (ring) => ring.length >= 3 && ring.some((p) => p[0] > west && p[0] < east);
      if (!real(clip(flat[0]))) continue;  // holes of an outer ring with no part in this world lie elsewhere
      pieces.push(flat.map(clip).filter(real).map((ring) => ring.map((p) => [p[0] - k * 360, p[1]])));
    }
    return pieces;
  }

  // A GeoJSON feature collection with every (multi)polygon cut at the antimeridian.
  function cutFeatures(collection) {
    const features = collection.features.map((f) => {
      const g = f.geometry;
      if (!g || (g.type !== "Polygon" && g.type !== "MultiPolygon")) return f;
      const polygons = (g.type === "Polygon" ? [g.coordinates] : g.coordinates).flatMap(cutPolygon);
      return { ...f, geometry: { type: "MultiPolygon", coordinates: polygons } };
    });
    return { ...collection, features: features };
  }

  // Leaflet [lat, lon] points joined the short way round: one list per stretch between crossings of ±180.
  function shortWay(latlngs) {
    const parts = [];
    let part = [];
    latlngs.forEach((p, i) => {
      if (i > 0) {
        const a = latlngs[i - 1];
        let lon = p[1];
        while (lon - a[1] > 180) lon -= 360;
        while (a[1] - lon > 180) lon += 360;
        if (lon > 180 || lon < -180) {  // this leg crosses: end it at the edge, go on from the other edge
          const edge = lon > 180 ? 180 : -180;
          const lat = a[0] + (edge - a[1]) / (lon - a[1]) * (p[0] - a[0]);
          part.push([lat, edge]);
          parts.push(part);
          part = [[lat, -edge]];
        }
      }
      part.push(p);
    });
    parts.push(part);
    return parts;
  }

  window.adtraceAntimeridian = { cutFeatures: cutFeatures, shortWay: shortWay };
})();
