// Copy buttons: <button data-copy="FIELD" data-copy-status="STATUS" data-copied="…"
// data-not-copied="…" hidden> copies the value of the field FIELD and says so in STATUS (a live
// region). Without JavaScript the button stays hidden and the field, selectable, is copied by
// hand; `data-select-all` on a field selects all of it when it gets focus.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }
  function say(button, text) {
    var status = document.getElementById(button.dataset.copyStatus);
    if (status) {
      status.textContent = "";
      // A fresh text node each time, so screen readers announce a second copy as well.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }
  function copyByHand(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    var done = function () { say(button, button.dataset.copied); };
    var failed = function () {
      field.focus();
      field.select();
      say(button, button.dataset.notCopied);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (copyByHand(field)) { done(); } else { failed(); }
      });
    } else if (copyByHand(field)) {
      done();
    } else {
      failed();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input[data-select-all]")) {
      event.target.select();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });
})();
