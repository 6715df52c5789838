// Words the scripts show, in the page's language: base.html embeds {English: translation} for the
// words in adtrace.i18n.terms.JS_MESSAGES when the page is not English; "%(name)s" takes a value.
window.adtraceT = (function () {
  const el = document.getElementById("i18n-messages");
  const table = el ? JSON.parse(el.textContent) : {};
  return function (s, vars) {
    // "context\u0004message" (adtrace.i18n.NP_): a word that reads differently in another place; English: the message.
    let out = table[s] || s.slice(s.indexOf("\u0004") + 1);
    Object.entries(vars || {}).forEach(([k, v]) => { out = out.split("%(" + k + ")s").join(String(v)); });
    return out;
  };
})();
// htmx swaps only HTML fragments from this site's page routes (docs/security.md). A hostile id or
// fragment that points htmx at /api/... or at another site never gets a request sent, and a response
// that is not text/html (JSON from an API, a download) is never swapped into the page.
(function () {
  "use strict";
  if (typeof htmx === "undefined") return;
  htmx.config.selfRequestsOnly = true;
  htmx.config.allowScriptTags = false;
  htmx.config.allowEval = false;
  // No "style": while it settles a swap, htmx carries these attributes between old and new elements of the
  // same id, and setting a style attribute from script is refused by the CSP (no inline styles). Our
  // templates carry no style attributes, so nothing is lost.
  htmx.config.attributesToSettle = ["class", "width", "height"];
  const pageRoute = (url) => url.origin === window.location.origin && !url.pathname.startsWith("/api/");
  document.addEventListener("htmx:validateUrl", function (e) {
    if (!e.detail.sameHost || !pageRoute(e.detail.url)) e.preventDefault();
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    const xhr = e.detail.xhr;
    const type = (xhr.getResponseHeader("Content-Type") || "").toLowerCase();
    let url;
    try { url = new URL(xhr.responseURL || window.location.href); } catch (err) { url = null; }
    if (!type.startsWith("text/html") || !url || !pageRoute(url)) {
      e.detail.shouldSwap = false;
      e.detail.isError = true;
    }
  });
  // A picker whose options an out-of-band swap replaced (a new case in every Add-to-case picker) keeps the
  // user's earlier choice in Chromium, which treats a select the user changed as decided: show the option
  // the server marked `selected` instead.
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    const target = e.detail.target;
    const chosen = target && target.tagName === "SELECT" ? target.querySelector("option[selected]") : null;
    if (chosen) target.value = chosen.value;
  });
})();

// Dates in the reader's locale: <time datetime="ISO"> shows date and time, <time data-date> the date only
// (on load, and in what htmx swaps in later: search results, the queue preview).
(function () {
  "use strict";
  function localise(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      const d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      el.title = el.getAttribute("datetime");
      // A translated page's language; an English page keeps the browser's locale (de-DE reads 6. Dez.).
      const lang = document.documentElement.lang !== "en" ? document.documentElement.lang : undefined;
      el.textContent = el.hasAttribute("data-date")
        ? d.toLocaleDateString(lang, { dateStyle: "medium" })
        : d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    });
  }
  localise(document);
  document.body.addEventListener("htmx:afterSwap", function (e) { localise(e.target); });
  // What htmx swaps in is announced (WCAG 4.1.3): an element marked data-live="ID" has its words copied to
  // the page's live region #ID (role=status, in the page before any swap, which screen readers need to
  // announce a change). Only a change is copied: an import's progress poll saying the same every second
  // stays silent, and the words the page loaded with are not announced again.
  function announce(quiet) {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      const region = document.getElementById(el.dataset.live);
      const words = el.textContent.replace(/\s+/g, " ").trim();
      if (!region || region.dataset.said === words) return;
      region.dataset.said = words;
      if (!quiet) region.textContent = words;
    });
  }
  announce(true);
  document.body.addEventListener("htmx:afterSettle", function () { announce(false); });
  // Phones: the menu opens and closes behind its button (the CSS hides it below 700 px).
  const menu = document.getElementById("menu-toggle");
  if (menu) menu.addEventListener("click", function () {
    const open = menu.closest("header").classList.toggle("open");
    menu.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // A download built on request (a case's PDF: a minute for a large case) says at once that it is being
  // prepared, in the status region its link names (data-status), instead of nothing until the file arrives.
  document.querySelectorAll("a[data-busy][data-status]").forEach(function (a) {
    a.addEventListener("click", function () {
      const region = document.getElementById(a.dataset.status);
      if (region) region.textContent = a.dataset.busy;
    });
  });
  // Alerts: one box ticks every alert shown, for "Acknowledge selected".
  const all = document.getElementById("ack-all-toggle");
  if (all) all.addEventListener("change", function () {
    document.querySelectorAll("#bulk-ack input[name=ids]").forEach(function (b) { b.checked = all.checked; });
  });
})();

// Triage for the review queue and the escalated inbox, by keyboard or by the buttons beside the
// preview: j/k move, c confirm, d dismiss, e escalate (asks a reason), u undo the last decision, o open.
// A decided row stays in the list (greyed, with its decision and an Undo); clicking it again lets
// the analyst change the decision, which the server stores as a newer row.
(function () {
  "use strict";
  const t = window.adtraceT;  // the page's language (top of this file)
  const list = document.getElementById("items");
  if (!list) return;
  const csrf = document.body.dataset.csrf;
  const mode = document.getElementById("queue").dataset.mode;
  const items = () => Array.from(list.querySelectorAll("li.item:not(.done)"));
  const bar = document.getElementById("decide");
  const buttons = Array.from(bar.querySelectorAll("button[data-decision]"));
  const undoButton = document.getElementById("undo");
  const last = document.getElementById("lastdecision");
  const failed = document.getElementById("decision-error");  // role=alert: a decision not saved is said at once
  const count = document.getElementById("waiting-count");
  const decided = [];  // rows decided on this page, newest last: what "undo" walks back
  let current = null;

  function enable() {
    buttons.forEach(function (b) { b.disabled = !current; });
    undoButton.disabled = !decided.length;
  }

  function select(li) {
    if (!li) return;
    if (current) current.classList.remove("sel");
    current = li;
    li.classList.add("sel");
    li.scrollIntoView({ block: "nearest" });
    // Focus follows the selection (the row has tabindex=-1), so a screen reader reads the ad now shown, unless
    // the reader is on a control that stays (the decision buttons): focus stays on the control that acted.
    // The preview never takes focus (read at every step it would drown the list); its links are a Tab away,
    // and focus inside it is moved to the row before the swap removes it (it would fall to the body).
    const at = document.activeElement;
    if (!at || at === document.body || list.contains(at) || document.getElementById("preview").contains(at)) {
      li.focus({ preventScroll: true });
    }
    htmx.ajax("GET", li.dataset.preview, { target: "#preview", swap: "innerHTML" });
    enable();
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const i = current ? all.indexOf(current) : -1;
    select(all[Math.max(0, Math.min(all.length - 1, i + step))] || all[0]);
  }

  function bump(delta) {
    if (mode !== "queue" || !count) return;
    const n = parseInt(count.textContent.replace(/,/g, ""), 10);
    if (!isNaN(n)) count.textContent = Math.max(0, n + delta).toLocaleString("en-US");
  }

  function post(url, fields) {
    return fetch(url, { method: "POST", body: new URLSearchParams(fields),
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" } });
  }

  function title(li) { return li.querySelector(".t").textContent.trim().slice(0, 50); }

  // A decided row says the state it is in, not the button's verb.
  // (In a context: "confirmed" is also a column of counts, which Spanish writes in the plural.)
  const DONE = { confirm: "queue row state\u0004confirmed", dismiss: "queue row state\u0004dismissed",
    escalate: "queue row state\u0004escalated" };

  async function decide(decision, reason) {
    if (!current) return;
    const li = current;
    const res = await post("/queue/decide", { doc_id: li.dataset.id, decision: decision, reason: reason || "" });
    const status = li.querySelector(".status");
    if (!res.ok) {
      status.textContent = t("not saved"); status.className = "status error"; failed.textContent = t("not saved") + ": " + title(li);
      return;
    }
    failed.textContent = "";
    const changed = li.classList.contains("done");
    status.textContent = t(DONE[decision] || decision);
    status.className = "status dec-" + decision;
    const next = items()[items().indexOf(li) + 1];
    li.classList.add("done");
    li.classList.remove("sel");
    if (!changed) bump(-1);
    const at = decided.indexOf(li);
    if (at >= 0) decided.splice(at, 1);
    decided.push(li);
    last.textContent = (changed ? t("Changed to") + " " : "") + t(DONE[decision] || decision) + ": " + title(li);
    current = null;
    if (next) select(next); else document.getElementById("preview").innerHTML = "<p class='muted'>" + t("Page done.") + "</p>";
    enable();
  }

  async function undo() {
    const li = decided.pop();
    if (!li) return;
    const res = await post("/queue/undo", { doc_id: li.dataset.id });
    if (!res.ok) { failed.textContent = t("undo not saved"); decided.push(li); return; }
    failed.textContent = "";
    li.classList.remove("done");
    const status = li.querySelector(".status");
    status.textContent = "";
    status.className = "status";
    bump(1);
    last.textContent = t("Undone: %(title)s is back in the queue", { title: title(li) });
    select(li);
  }

  const dialog = document.getElementById("reason");
  const form = document.getElementById("reasonform");
  function askReason() {
    if (!current) return;
    dialog.returnValue = "cancel";
    dialog.showModal();
    document.getElementById("reasontext").focus();
  }
  dialog.addEventListener("close", function () {
    const text = document.getElementById("reasontext");
    if (dialog.returnValue !== "cancel" && text.value.trim()) decide("escalate", text.value.trim());
    text.value = "";
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    dialog.close(e.submitter && e.submitter.value === "cancel" ? "cancel" : "ok");
  });

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      if (b.dataset.decision === "escalate") askReason(); else decide(b.dataset.decision);
    });
  });
  undoButton.addEventListener("click", undo);
  list.addEventListener("click", function (e) {
    const li = e.target.closest("li.item");
    if (li) select(li);  // a decided row too: its decision can be changed
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    if (e.target.matches("input, textarea, select")) return;
    const k = e.key;
    if (k === "j") move(1);
    else if (k === "k") move(-1);
    else if (k === "c") decide("confirm");
    else if (k === "d") decide("dismiss");
    else if (k === "e" && mode !== "escalated") askReason();
    else if (k === "u") undo();
    else if (k === "o" && current) window.location = "/documents/" + encodeURIComponent(current.dataset.id);
    else return;
    e.preventDefault();
  });
  enable();
})();
