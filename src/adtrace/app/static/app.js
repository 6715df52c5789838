// htmx swaps only HTML fragments from this site's page routes (docs/security.md). A hostile id or
// fragment that points htmx at /api/... or at another site never gets a request sent, and a response
// that is not text/html (JSON from an API, a download) is never swapped into the page.
(function () {
  "use strict";
  if (typeof htmx === "undefined") return;
  htmx.config.selfRequestsOnly = true;
  htmx.config.allowScriptTags = false;
  htmx.config.allowEval = false;
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
})();

// Keyboard triage for the review queue: j/k move, c confirm, d dismiss, e escalate (asks a reason), o open.
(function () {
  "use strict";
  const list = document.getElementById("items");
  if (!list) return;
  const csrf = document.body.dataset.csrf;
  const items = () => Array.from(list.querySelectorAll("li.item:not(.done)"));
  let current = null;

  function select(li) {
    if (!li) return;
    if (current) current.classList.remove("sel");
    current = li;
    li.classList.add("sel");
    li.scrollIntoView({ block: "nearest" });
    htmx.ajax("GET", li.dataset.preview, { target: "#preview", swap: "innerHTML" });
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const i = current ? all.indexOf(current) : -1;
    select(all[Math.max(0, Math.min(all.length - 1, i + step))] || all[0]);
  }

  async function decide(decision, reason) {
    if (!current) return;
    const li = current;
    const body = new URLSearchParams({ doc_id: li.dataset.id, decision: decision, reason: reason || "" });
    const res = await fetch("/queue/decide", { method: "POST", body: body,
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" } });
    const status = li.querySelector(".status");
    if (!res.ok) { status.textContent = "not saved"; status.className = "status error"; return; }
    status.textContent = decision;
    const next = items()[items().indexOf(li) + 1];
    li.classList.add("done");
    li.classList.remove("sel");
    current = null;
    if (next) select(next); else document.getElementById("preview").innerHTML = "<p class='muted'>Queue done.</p>";
  }

  const dialog = document.getElementById("reason");
  const form = document.getElementById("reasonform");
  dialog.addEventListener("close", function () {
    const text = document.getElementById("reasontext");
    if (dialog.returnValue !== "cancel" && text.value.trim()) decide("escalate", text.value.trim());
    text.value = "";
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    dialog.close(e.submitter && e.submitter.value === "cancel" ? "cancel" : "ok");
  });

  list.addEventListener("click", function (e) {
    const li = e.target.closest("li.item");
    if (li && !li.classList.contains("done")) select(li);
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    if (e.target.matches("input, textarea, select")) return;
    const k = e.key;
    if (k === "j") move(1);
    else if (k === "k") move(-1);
    else if (k === "c") decide("confirm");
    else if (k === "d") decide("dismiss");
    else if (k === "e" && current) { dialog.returnValue = "cancel"; dialog.showModal(); document.getElementById("reasontext").focus(); }
    else if (k === "o" && current) window.location = "/documents/" + encodeURIComponent(current.dataset.id);
    else return;
    e.preventDefault();
  });
})();
