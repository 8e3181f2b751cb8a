// The import job page: poll the job's status and move the progress bar; reload once the job has ended so the page
// shows the result and the row report. Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = document.getElementById("import-progress");
  var step = document.getElementById("import-step");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return window.setTimeout(poll, 5000); }
        if (s.finished) { window.location.reload(); return; }
        // Reading: a bar of the rows read. Checking and writing (one transaction, nothing to count from outside):
        // an indeterminate bar, so the page never claims more than it knows.
        if (s.rows_counted) { bar.removeAttribute("value"); }
        else if (s.rows_total) { bar.max = s.rows_total; bar.value = s.rows_done; }
        step.textContent = s.step;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
