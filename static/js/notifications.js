/* Refresh the top bar's notification badge when the socket says something changed. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.sosoonSocket || !document.getElementById("notification-badge")) return;
    window.sosoonSocket().on("notifications.changed", function () {
      document.body.dispatchEvent(new Event("sosoon:notifications"));
    });
  });
})();
