/* PTĐV: the little behaviour the pages need, without inline scripts or event handlers (the
   Content-Security-Policy allows scripts from this site only, script-src 'self').

   data-ptdv-autosubmit on a form control: a change submits its form (the year selectors);
   a <noscript> button next to it submits without JavaScript. Listening on the document also
   covers controls that htmx swaps in later. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control instanceof Element && control.matches("[data-ptdv-autosubmit]") && control.form) {
      control.form.submit();
    }
  });
})();
