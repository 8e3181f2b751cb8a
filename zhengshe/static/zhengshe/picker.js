/* Pickers (zhengshe.core.pickers): a search box above every <select data-picker>, filtering its options by name or
   code (groups with no match are hidden); with data-lookup, matches the page did not list are asked of the scoped
   JSON endpoint ({results: [{id, label, group}], more}) and added to their group. Without JavaScript the grouped
   <select> works as it is. */
(function () {
  "use strict";

  function groupOf(select, label) {
    for (const g of select.querySelectorAll("optgroup")) if (g.label === label) return g;
    const g = document.createElement("optgroup");
    g.label = label;
    select.appendChild(g);
    return g;
  }

  function filter(select, text) {
    const needle = text.trim().toLowerCase();
    let shown = 0;
    for (const option of select.options) {
      if (!option.value) continue;
      const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      const hit = !needle || (option.text + " " + group).toLowerCase().includes(needle) || option.selected;
      option.hidden = !hit;
      if (hit) shown += 1;
    }
    for (const g of select.querySelectorAll("optgroup")) {
      g.hidden = !Array.from(g.children).some((o) => !o.hidden);
    }
    return shown;
  }

  function lookup(select, text, status) {
    const url = select.dataset.lookup;
    if (!url || text.trim().length < 1) return;
    const known = new Set(Array.from(select.options).map((o) => o.value));
    fetch(url + (url.includes("?") ? "&" : "?") + "q=" + encodeURIComponent(text.trim()),
          {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then((r) => (r.ok ? r.json() : {results: []}))
      .then((data) => {
        for (const row of data.results || []) {
          if (known.has(String(row.id))) continue;
          const option = new Option(row.label, row.id);
          groupOf(select, row.group || "").appendChild(option);
        }
        const shown = filter(select, text);
        status.textContent = shown ? (data.more ? select.dataset.pickerMore : "") : select.dataset.pickerNone;
      })
      .catch(() => {});
  }

  function attach(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.pickerPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder + (select.labels && select.labels[0] ? "：" + select.labels[0].textContent.trim() : ""));
    box.setAttribute("aria-controls", select.id);
    const status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("role", "status");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select.nextSibling);
    let timer = null;
    box.addEventListener("input", () => {
      const shown = filter(select, box.value);
      status.textContent = shown ? "" : select.dataset.pickerNone;
      clearTimeout(timer);
      timer = setTimeout(() => lookup(select, box.value, status), 250);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();  // Enter picks the first match instead of submitting the form
      const first = Array.from(select.options).find((o) => o.value && !o.hidden);
      if (first) { first.selected = true; select.dispatchEvent(new Event("change", {bubbles: true})); }
    });
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", () => init());
  document.addEventListener("htmx:afterSwap", (event) => init(event.target));
})();
