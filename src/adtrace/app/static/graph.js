// The cluster graph (cytoscape.js): ads and the keys they share, readable at hundreds of ads.
// Ads holding exactly the same shown keys collapse into one node ("12 ads"); each key says how many ads
// hold it; link kinds can be hidden; labels show on hover; tapping an ad (or picking it by id)
// highlights its links. The page's JSON gives the full graph: one node per ad and per shared key, one
// edge per ad holding a key (adtrace.app.pages.network.graph).
(function () {
  "use strict";
  // Colours come from investigate.css (--graph-*), which the legend swatches share and the contrast test reads.
  const sheet = getComputedStyle(document.documentElement);
  const colour = (name) => sheet.getPropertyValue("--graph-" + name).trim();
  const LEVEL = Object.fromEntries(["high", "elevated", "low", "none"].map((l) => [l, colour(l)]));
  const KIND = Object.fromEntries(["phone", "email", "handle", "payment", "image", "template", "other"]
    .map((k) => [k, colour(k)]));
  const KIND_NAME = { phone: "phone", email: "e-mail", handle: "handle", payment: "payment", image: "photo",
    template: "wording (template)", other: "other" };
  const t = window.adtraceT;  // the page's language (app.js, adtrace.i18n.terms.JS_MESSAGES)
  const COLLAPSE_FROM = 40; // ads: below this every ad is its own node by default
  const COSE_UP_TO = 150; // nodes: force layout below, concentric above (stays fast)

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function index(g) {
    const ads = new Map(); const keys = new Map();
    g.nodes.forEach((n) => {
      const d = n.data;
      if (d.type === "doc") ads.set(d.id, { id: d.id, label: d.label, level: d.level, keys: [] });
      else keys.set(d.id, { id: d.id, label: d.label, kind: d.kind || "other", hub: !!d.hub, ads: 0 });
    });
    g.edges.forEach((e) => {
      const a = ads.get(e.data.source); const k = keys.get(e.data.target);
      if (a && k) { a.keys.push(k.id); k.ads += 1; }
    });
    return { ads, keys };
  }

  function worst(levels) {
    for (const l of ["high", "elevated", "low"]) if (levels.includes(l)) return l;
    return "none";
  }

  // Cytoscape elements for the current filters: kinds shown, hubs shown, ads collapsed or not.
  function elements(ix, st) {
    const shown = new Set([...ix.keys.values()].filter((k) => st.kinds.has(k.kind) && (st.hubs || !k.hub)).map((k) => k.id));
    const nodes = []; const edges = []; const used = new Set(); const owner = new Map();
    const groups = new Map();
    ix.ads.forEach((a) => {
      const ks = a.keys.filter((k) => shown.has(k)).sort();
      const sig = st.collapse ? ks.join("\u0001") : a.id;
      if (!groups.has(sig)) groups.set(sig, { ads: [], keys: ks });
      groups.get(sig).ads.push(a);
    });
    let n = 0;
    groups.forEach((grp) => {
      const one = grp.ads.length === 1;
      const id = one ? grp.ads[0].id : "g:" + (n++);
      const level = worst(grp.ads.map((a) => a.level));
      const label = one ? grp.ads[0].label : (grp.keys.length ? t("%(n)s ads", { n: grp.ads.length })
        : t("%(n)s ads (no shown link)", { n: grp.ads.length }));
      nodes.push({ data: { id, type: one ? "doc" : "group", label, level, count: grp.ads.length,
        size: one ? 14 : Math.min(60, 16 + 6 * Math.sqrt(grp.ads.length)), ads: grp.ads.map((a) => a.id) } });
      grp.ads.forEach((a) => owner.set(a.id, id));
      grp.keys.forEach((k) => {
        used.add(k);
        edges.push({ data: { id: id + "|" + k, source: id, target: k, count: grp.ads.length,
          width: Math.min(8, 1 + Math.log2(grp.ads.length)), kind: ix.keys.get(k).kind, hub: ix.keys.get(k).hub } });
      });
    });
    used.forEach((kid) => {
      const k = ix.keys.get(kid);
      nodes.push({ data: { id: kid, type: "key", kind: k.kind, hub: k.hub, count: k.ads,
        label: k.label + " · " + t("%(n)s ads", { n: k.ads }) + (k.hub ? " " + t("(hub: joins nothing)") : ""),
        size: Math.min(56, 14 + 5 * Math.sqrt(k.ads)), color: k.hub ? colour("hub") : KIND[k.kind] || KIND.other } });
    });
    return { nodes, edges, owner };
  }

  function style(labels) {
    return [
      { selector: "node", style: { width: "data(size)", height: "data(size)", "font-size": 8, color: "#1f3b5a",
        "text-wrap": "ellipsis", "text-max-width": 120, label: labels ? "data(label)" : "" } },
      { selector: "node[type='doc'], node[type='group']", style: { "background-color": (e) => LEVEL[e.data("level")] || LEVEL.none } },
      { selector: "node[type='group']", style: { label: "data(label)", "border-width": 2, "border-color": "#fff", "font-weight": "bold" } },
      { selector: "node[type='key']", style: { shape: "round-rectangle", "background-color": "data(color)" } },
      { selector: "edge", style: { width: "data(width)", "line-color": colour("edge"), "curve-style": "haystack",
        opacity: Number(colour("edge-opacity")) } },
      { selector: "edge[?hub]", style: { "line-color": colour("hub-edge"), "line-style": "dashed",
        opacity: Number(colour("hub-edge-opacity")) } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: ".lit", style: { "border-width": 3, "border-color": "#111", opacity: 1, "z-index": 10 } },
      { selector: "edge.lit", style: { "line-color": "#111", opacity: 1 } },
    ];
  }

  function layoutOf(count) {
    return count <= COSE_UP_TO ? { name: "cose", animate: false, randomize: false, numIter: count <= 60 ? 500 : 250, nodeRepulsion: () => 6000 }
      : { name: "concentric", animate: false, concentric: (e) => e.degree(), levelWidth: () => 4, minNodeSpacing: 4 };
  }

  function controls(box, ix, st, redraw, pick) {
    const bar = el("div", { id: "graph-controls", class: "graph-controls small" });
    const kinds = [...new Set([...ix.keys.values()].map((k) => k.kind))].sort();
    const legend = el("div", { id: "graph-legend", class: "graph-legend small" });
    legend.append(el("strong", {}, t("Legend") + " "));
    [["high", t("ad, high risk")], ["elevated", t("ad, elevated")], ["low", t("ad, low")]].forEach(([l, w]) => {
      const s = el("span", { class: "lg" }); s.append(el("i", { class: "sw dot lvl-" + l }), document.createTextNode(w)); legend.append(s);
    });
    const g = el("span", { class: "lg" }); g.append(el("i", { class: "sw dot big" }), document.createTextNode(t("N ads sharing exactly these keys"))); legend.append(g);
    const filters = el("fieldset", { id: "graph-filters", class: "graph-filters" });
    filters.append(el("legend", {}, t("Links shown (squares: shared keys)")));
    kinds.forEach((k) => {
      const n = [...ix.keys.values()].filter((x) => x.kind === k).length;
      const lab = el("label", { class: "lg" });
      const box2 = el("input", { type: "checkbox", "data-kind": k }); box2.checked = st.kinds.has(k);
      box2.addEventListener("change", () => { if (box2.checked) st.kinds.add(k); else st.kinds.delete(k); redraw(); });
      lab.append(box2, el("i", { class: "sw kind-" + k }), document.createTextNode(t(KIND_NAME[k]) + " (" + n + ")"));
      filters.append(lab);
    });
    const hubs = [...ix.keys.values()].filter((k) => k.hub).length;
    if (hubs) {
      const lab = el("label", { class: "lg" }); const hb = el("input", { type: "checkbox", id: "graph-hubs" });
      hb.checked = st.hubs; hb.addEventListener("change", () => { st.hubs = hb.checked; redraw(); });
      lab.append(hb, el("i", { class: "sw hub" }), document.createTextNode(t("hub keys (%(n)s, join nothing)", { n: hubs })));
      filters.append(lab);
    }
    const col = el("label", { class: "lg" }); const cb = el("input", { type: "checkbox", id: "graph-collapse" });
    cb.checked = st.collapse; cb.addEventListener("change", () => { st.collapse = cb.checked; redraw(); });
    col.append(cb, document.createTextNode(t("collapse ads behind their shared keys")));
    const find = el("label", { class: "lg" }, t("Highlight ad") + " ");
    const input = el("input", { id: "graph-find", list: "graph-ads", placeholder: t("ad id"), size: "14" });
    const list = el("datalist", { id: "graph-ads" });
    [...ix.ads.values()].slice(0, 1000).forEach((a) => list.append(el("option", { value: a.id.slice(2) }, a.label)));
    input.addEventListener("change", () => pick("d:" + input.value.trim()));
    find.append(input, list);
    bar.append(filters, col, find);
    box.before(legend, bar);
  }

  window.adtraceGraph = function (box, g) {
    const t0 = performance.now();
    const ix = index(g);
    const st = { kinds: new Set([...ix.keys.values()].map((k) => k.kind)), hubs: true, collapse: ix.ads.size >= COLLAPSE_FROM };
    const tip = el("div", { id: "graph-tip", class: "graph-tip", hidden: "" });
    const info = el("div", { id: "graph-info", class: "graph-info small muted" }, t("Hover for labels; tap an ad or a key to highlight its links."));
    box.after(info);
    box.append(tip);
    let view = null;
    const cy = cytoscape({ container: box, elements: [], style: style(false), minZoom: 0.1, maxZoom: 4 });

    function highlight(node) {
      cy.elements().removeClass("lit faded");
      if (!node || node.empty()) { box.dataset.highlighted = ""; return; }
      const near = node.closedNeighborhood();
      cy.elements().not(near).addClass("faded");
      near.addClass("lit");
      box.dataset.highlighted = node.id();
      box.dataset.highlightedLinks = String(node.connectedEdges().length);
      describe(node);
    }

    function describe(node) {
      const d = node.data(); info.replaceChildren();
      if (d.type === "key") {
        info.append(el("strong", {}, t(KIND_NAME[d.kind]) + ": "), document.createTextNode(d.label));
        const kind = d.id.slice(2).split(":")[0];
        if (kind === "phone" || kind === "email") {
          info.append(" ", el("a", { href: "/entities/" + kind + "/" + encodeURIComponent(d.id.slice(2 + kind.length + 1)) }, t("entity page")));
        }
        return;
      }
      info.append(el("strong", {}, d.count > 1 ? t("%(n)s ads with the same keys:", { n: d.count }) + " " : t("Ad:") + " "));
      d.ads.slice(0, 30).forEach((a) => { info.append(el("a", { href: "/documents/" + encodeURIComponent(a.slice(2)) }, a.slice(2)), " "); });
      if (d.ads.length > 30) info.append(t("and %(n)s more", { n: d.ads.length - 30 }));
    }

    function pick(adId) {
      const owner = view && view.owner.get(adId);
      const node = owner ? cy.getElementById(owner) : cy.collection();
      highlight(node);
      if (!node.empty()) cy.animate({ center: { eles: node }, duration: 0 });
    }

    function redraw() {
      const began = performance.now();
      view = elements(ix, st);
      cy.startBatch();
      cy.elements().remove();
      cy.add(view.nodes.concat(view.edges));
      cy.style(style(view.nodes.length <= 60));
      cy.endBatch();
      const tl = performance.now();
      cy.layout(layoutOf(view.nodes.length)).run();
      box.dataset.layout = String(Math.round(performance.now() - tl));
      highlight(null);
      box.dataset.nodes = String(view.nodes.length);
      box.dataset.edges = String(view.edges.length);
      box.dataset.groups = String(view.nodes.filter((n) => n.data.type === "group").length);
      const kinds = {};
      view.nodes.filter((n) => n.data.type === "key").forEach((n) => { kinds[n.data.kind] = (kinds[n.data.kind] || 0) + 1; });
      box.dataset.keys = JSON.stringify(kinds);
      box.dataset.redrawn = String(Math.round(performance.now() - began));
    }

    controls(box, ix, st, redraw, pick);
    cy.on("mouseover", "node", (e) => {
      const p = e.target.renderedPosition();
      tip.textContent = e.target.data("label"); tip.hidden = false;
      tip.style.left = Math.round(p.x + 12) + "px"; tip.style.top = Math.round(p.y + 8) + "px";
    });
    cy.on("mouseout", "node", () => { tip.hidden = true; });
    cy.on("tap", "node", (e) => highlight(e.target));
    cy.on("tap", (e) => { if (e.target === cy) highlight(null); });
    cy.on("dbltap", "node[type='doc']", (e) => { window.location = "/documents/" + encodeURIComponent(e.target.id().slice(2)); });
    redraw();
    box.cy = cy;  // for tests and the console
    // Drawn: the layout is done and a frame has been painted. A headless or hidden page may hold
    // animation frames back, so a timer marks it too (whichever comes first).
    const drawn = () => {
      if (box.classList.contains("ready")) return;
      box.dataset.rendered = String(Math.round(performance.now() - t0));
      box.classList.add("ready");
    };
    requestAnimationFrame(drawn);
    setTimeout(drawn, 250);
    return cy;
  };
})();
