// Progressive enhancement only: the page works without this file.
// Shows the "print" button of the print views (printing needs JavaScript to be started from a button)
// and moves focus to the first error after a refused form, so keyboard and screen-reader users land on it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print-now]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var summary = document.getElementById("error-summary") || document.getElementById("decision-errors")
    || document.getElementById("closure-errors");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
});
