/* Refresh the top bar's badges when the socket says something changed: notifications, and
   direct messages (a message arrived, or was read in another tab). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.sosoonSocket || !document.getElementById("notification-badge")) return;
    const socket = window.sosoonSocket();
    socket.on("notifications.changed", function () {
      document.body.dispatchEvent(new Event("sosoon:notifications"));
    });
    socket.on("direct.changed", function () {
      document.body.dispatchEvent(new Event("sosoon:direct"));
    });
  });
})();
