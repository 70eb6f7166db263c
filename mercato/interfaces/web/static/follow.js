// The follow forms: the API token is typed once and remembered in this browser (localStorage).
(function () {
  "use strict";
  var KEY = "mercato-api-token";
  var saved = "";
  try { saved = window.localStorage.getItem(KEY) || ""; } catch (e) { saved = ""; }
  document.querySelectorAll("form.follow").forEach(function (form) {
    var token = form.querySelector("input[name=token]");
    if (!token) { return; }
    if (saved && !token.value) { token.value = saved; }
    form.addEventListener("submit", function () {
      try { if (token.value) { window.localStorage.setItem(KEY, token.value); } } catch (e) { /* private mode */ }
    });
  });
})();
