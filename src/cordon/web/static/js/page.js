// Behaviour of every page, kept out of the HTML so that the Content-Security-Policy can
// forbid inline scripts and handlers: a select that submits its form when changed (the
// language), a button that prints the page (documents).
"use strict";
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change")) {
    target.form?.submit();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
