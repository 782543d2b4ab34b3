// The main menu on a narrow screen: folded behind the Menu button, so that the page, not
// the navigation, fills a phone's screen (docs/web.md). Without this script (or on a wide
// screen) the menu simply shows. No inline script or style: the CSP allows 'self' only.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("menu");
  if (!button || !menu) {
    return;
  }
  var bar = button.closest(".bar");

  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }

  bar.classList.add("foldable");
  button.hidden = false;
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("open")) {
      show(false);
      button.focus();
    }
  });
})();
