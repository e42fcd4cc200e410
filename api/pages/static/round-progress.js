// Follows a running solve on the API's progress stream (see partials/rounds_progress.html):
// the bar and the figures move, and the page reloads when the solve ends.
// The bar counts from the job's start as the server said when it sent the page
// (data-elapsed), and never goes back: a progress entry's elapsed says when that plan was
// found, which may be long before now (a reconnecting stream replays every entry).
(function () {
  "use strict";
  var box = document.getElementById("solving");
  if (!box) {
    return;
  }
  var bar = document.getElementById("solve-time");
  var shown = function (id, value) { document.getElementById(id).textContent = value; };
  var loaded = Date.now(), atLoad = parseFloat(box.dataset.elapsed) || 0, elapsed = 0;
  var showElapsed = function (seconds) {
    elapsed = Math.min(Math.max(elapsed, seconds), bar.max);
    bar.value = elapsed;
    shown("solve-elapsed", elapsed.toFixed(1));
  };
  var now = function () { return atLoad + (Date.now() - loaded) / 1000; };
  showElapsed(now());
  var tick = setInterval(function () { showElapsed(now()); }, 250);
  var source = new EventSource(box.dataset.stream);
  source.addEventListener("progress", function (event) {
    var entry = JSON.parse(event.data);
    showElapsed(entry.elapsed);
    shown("solve-objective", entry.objective.toFixed(1));
    shown("solve-bound", entry.bound.toFixed(1));
  });
  ["done", "failed", "cancelled"].forEach(function (name) {
    source.addEventListener(name, function () {
      source.close(); clearInterval(tick); bar.value = bar.max;
      box.setAttribute("data-finished", name);
      window.location.reload();
    });
  });
})();
