/* CloudPAM — progressive enhancement only. Every page works without this file.
 *  1. "/" and Cmd/Ctrl+K focus the global search box; Esc leaves it.
 *  2. The theme control applies at once and remembers the choice in a cookie.
 *  3. Esc closes the narrow-screen menu.
 */
(function () {
  "use strict";

  var THEMES = ["system", "light", "dark"];
  var root = document.documentElement;
  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || "");

  function isEditable(el) {
    if (!el || el === document.body) {
      return false;
    }
    if (el.isContentEditable) {
      return true;
    }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  /* ---- 1. search shortcuts ---- */

  function setUpSearch() {
    var box = document.querySelector("[data-search]");
    if (!box) {
      return;
    }
    if (!isMac && box.placeholder) {
      box.placeholder = box.placeholder.replace("⌘K", "Ctrl K");
    }

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var commandK = (event.metaKey || event.ctrlKey) && !event.altKey &&
        (event.key === "k" || event.key === "K");
      var slash = event.key === "/" && !event.metaKey && !event.ctrlKey && !event.altKey;

      if (commandK || (slash && !isEditable(target))) {
        event.preventDefault();
        box.focus();
        box.select();
        return;
      }
      if (event.key === "Escape" && target === box) {
        box.blur();
      }
    });
  }

  /* ---- 2. theme ---- */

  function setUpTheme() {
    var form = document.querySelector("[data-theme-form]");
    var select = form && form.querySelector("[data-theme-select]");
    if (!select) {
      return;
    }
    var current = root.getAttribute("data-theme");
    if (THEMES.indexOf(current) < 0) {
      current = "system";
    }
    select.value = current;
    form.classList.add("js-live");
    var submit = form.querySelector("[data-theme-submit]");
    if (submit) {
      submit.hidden = true;
    }

    select.addEventListener("change", function () {
      var theme = THEMES.indexOf(select.value) >= 0 ? select.value : "system";
      root.setAttribute("data-theme", theme);
      document.cookie = "theme=" + theme + "; Path=/; Max-Age=31536000; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    });
  }

  /* ---- 3. narrow-screen menu ---- */

  function setUpMenu() {
    var menu = document.querySelector(".nav-toggle");
    if (!menu) {
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  function start() {
    setUpSearch();
    setUpTheme();
    setUpMenu();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
