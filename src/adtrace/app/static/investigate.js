// Cluster graphs (graph.js, cytoscape.js) and maps (Leaflet over vendored TopoJSON outlines; no tiles, offline).
(function () {
  "use strict";
  const el = document.getElementById("page-data");
  if (!el) return;
  const data = JSON.parse(el.textContent);
  // Map colours come from investigate.css (--map-*), which the contrast test reads.
  const sheet = getComputedStyle(document.documentElement);
  const colour = (name) => sheet.getPropertyValue("--map-" + name).trim();
  const LINE = { color: colour("line"), opacity: Number(colour("line-opacity")) };
  const t = window.adtraceT;  // the page's language (app.js, adtrace.i18n.terms.JS_MESSAGES)
  const ads = (n) => (n === 1 ? t("1 ad") : t("%(n)s ads", { n: n }));
  // Lines between places take the short way round, cut at ±180 (Tokyo to Honolulu over the Pacific).
  const { cutFeatures: cut, shortWay } = window.adtraceAntimeridian;

  async function baseMap(box) {
    const map = L.map(box, { zoomControl: true, attributionControl: false, worldCopyJump: true });
    map.setView([39, -97], 4);  // a view before any layer: Leaflet projects vectors as they are added
    const [world, us] = await Promise.all([fetch("/static/geo/world-countries-110m.json").then((r) => r.json()),
      fetch("/static/geo/us-states-10m.json").then((r) => r.json())]);
    // Outlines are drawn 1px wide: thinner, the browser blends the line into the land and it shows fainter.
    const outline = { color: colour("outline"), weight: 1, fillColor: colour("land"), fillOpacity: 1, interactive: false };
    // Cut at the antimeridian (antimeridian.js): Russia, Fiji and Antarctica drew lines across the world.
    L.geoJSON(cut(topojson.feature(world, world.objects.countries)), { style: outline }).addTo(map);
    L.geoJSON(cut(topojson.feature(us, us.objects.states)), { style: outline }).addTo(map);
    return map;
  }

  // Without animation: the view is final when the caller marks the map ready (a zoom still animating had
  // drawn only the first view's outlines and circles, and labels measured there would overlap after it).
  function fit(map, latlngs) {
    if (latlngs.length) map.fitBounds(L.latLngBounds(latlngs).pad(0.3), { maxZoom: 8, animate: false });
    else map.setView([39, -97], 4, { animate: false });
  }

  async function routeMap(box, stops) {
    const map = await baseMap(box);
    const ll = stops.map((s) => [s.lat, s.lon]);
    const layer = L.layerGroup().addTo(map);
    const slider = document.getElementById("time");
    const label = document.getElementById("time-label");
    const out = document.getElementById("time-out");
    function draw(k) {
      layer.clearLayers();
      L.polyline(shortWay(ll.slice(0, k)), { ...LINE, weight: 3 }).addTo(layer);
      stops.slice(0, k).forEach((s, i) => {
        L.circleMarker([s.lat, s.lon], { radius: 5 + Math.min(10, s.documents), color: colour("risk"), fillOpacity: i === k - 1 ? 0.9 : 0.4 })
          .bindTooltip((i + 1) + ". " + s.city + " · " + s.first_seen.slice(0, 10) + " – " + s.last_seen.slice(0, 10) + " · " + ads(s.documents))
          .addTo(layer);
      });
      if (out) out.textContent = String(k);
      if (label && stops[k - 1]) label.textContent = stops[k - 1].city + ", " + stops[k - 1].first_seen.slice(0, 10);
    }
    draw(stops.length);
    if (slider) slider.addEventListener("input", () => draw(Number(slider.value)));
    fit(map, ll);
    box.classList.add("ready");
  }

  async function pointsMap(box, points, route) {
    const map = await baseMap(box);
    const ll = points.map((p) => [p.lat, p.lon]);
    if (route && route.length > 1) L.polyline(shortWay(route.map((s) => [s.lat, s.lon])), { ...LINE, weight: 2 }).addTo(map);
    points.forEach((p) => L.circleMarker([p.lat, p.lon], { radius: 6, color: colour("place") })
      .bindTooltip(p.city + " · " + (p.posted_at || "").slice(0, 10)).addTo(map));
    fit(map, ll);
    box.classList.add("ready");
  }

  async function activityMap(box, m) {
    const map = await baseMap(box);
    const peak = Math.max(1, ...m.cities.map((c) => c.documents));
    m.flows.forEach((f) => L.polyline(shortWay([f.from_ll, f.to_ll]), { ...LINE, weight: 1 + Math.min(8, f.clusters * 2) })
      .bindTooltip(f.from + " → " + f.to + ": " + (f.clusters === 1 ? t("1 cluster") : t("%(n)s clusters", { n: f.clusters })))
      .addTo(map));
    m.cities.forEach((c) => L.circleMarker([c.lat, c.lon], { radius: 4 + 18 * Math.sqrt(c.documents / peak),
      color: c.high ? colour("risk") : colour("place"), fillOpacity: 0.35 + 0.5 * (c.high / c.documents) })
      .bindTooltip(c.city + ": " + ads(c.documents) + ", " + t("%(n)s high risk", { n: c.high })).addTo(map));
    // Frame every plotted place: framing the flows alone left cities with ads off screen (Sydney, Montréal).
    fit(map, m.cities.map((c) => [c.lat, c.lon]).concat(m.flows.flatMap((f) => [f.from_ll, f.to_ll])));
    labelBusiest(map, m.cities.slice(0, LABELS));  // cities come busiest first (adtrace.app.data.network)
    box.classList.add("ready");
  }

  // The busiest places carry their names without a hover; a label that would overlap a busier one's stays
  // hidden at this zoom (its circle keeps the hover tooltip), so the names never pile up.
  const LABELS = 8;
  function labelBusiest(map, cities) {
    const labels = cities.map((c) => {
      const name = document.createElement("span");
      name.textContent = c.city.split(",")[0];  // "Las Vegas, NV" -> "Las Vegas": the hover gives the rest
      return L.tooltip({ permanent: true, direction: "right", offset: [6, 0], className: "map-label", interactive: false })
        .setLatLng([c.lat, c.lon]).setContent(name).addTo(map);
    });
    function declutter() {
      const shown = [];
      labels.forEach((label) => {
        const el = label.getElement();
        if (!el) return;
        el.classList.remove("map-label-hidden");
        const r = el.getBoundingClientRect();
        const clash = shown.some((s) => r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom);
        if (clash) el.classList.add("map-label-hidden");
        else shown.push(r);
      });
    }
    declutter();
    map.on("zoomend", declutter);
  }

  const graphBox = document.getElementById("graph");
  if (graphBox && data.graph && window.adtraceGraph) window.adtraceGraph(graphBox, data.graph);  // graph.js
  const mapBox = document.getElementById("map");
  if (mapBox) {
    const mode = mapBox.dataset.mode;
    if (mode === "route") routeMap(mapBox, data.stops);
    else if (mode === "points") pointsMap(mapBox, data.points, data.route);
    else if (mode === "activity") activityMap(mapBox, data);
  }
})();
