/* PTĐV: the candidate list's selection (ptdv/templates/candidacies/_results.html), without
   inline scripts (Content-Security-Policy: script-src 'self').

   data-ptdv-select-all="NAME" on a checkbox ticks or clears every checkbox named NAME;
   data-ptdv-selected-count="NAME" shows how many are ticked. Listening on the document also
   covers the results htmx swaps in after a filter changes. */
(function () {
  "use strict";

  function boxes(name) {
    return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
  }

  function count(name) {
    var ticked = 0;
    boxes(name).forEach(function (box) {
      if (box.checked) {
        ticked += 1;
      }
    });
    document.querySelectorAll('[data-ptdv-selected-count="' + name + '"]').forEach(function (el) {
      el.textContent = String(ticked);
    });
  }

  document.addEventListener("change", function (event) {
    var control = event.target;
    if (!(control instanceof HTMLInputElement) || control.type !== "checkbox") {
      return;
    }
    var all = control.getAttribute("data-ptdv-select-all");
    if (all) {
      boxes(all).forEach(function (box) {
        box.checked = control.checked;
      });
      count(all);
    } else if (control.name) {
      count(control.name);
    }
  });
})();
