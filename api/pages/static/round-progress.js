// Follows a running solve on the API's progress stream (see partials/rounds_progress.html):
// the bar and the figures move, and the page reloads when the solve ends.
(function () {
  "use strict";
  var box = document.getElementById("solving");
  if (!box) {
    return;
  }
  var bar = document.getElementById("solve-time");
  var shown = function (id, value) { document.getElementById(id).textContent = value; };
  var started = Date.now(), offset = 0;
  var tick = setInterval(function () {
    var elapsed = Math.min(offset + (Date.now() - started) / 1000, bar.max);
    bar.value = elapsed;
    shown("solve-elapsed", elapsed.toFixed(1));
  }, 250);
  var source = new EventSource(box.dataset.stream);
  source.addEventListener("progress", function (event) {
    var entry = JSON.parse(event.data);
    offset = entry.elapsed; started = Date.now();
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
