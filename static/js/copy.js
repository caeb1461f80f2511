/* Copy buttons: a <button data-copy="ID" hidden> beside a readonly field copies its value.
   Without JS the buttons stay hidden and the field is still there to select and copy. */
(function () {
  "use strict";

  // Words come from the reader's translation catalog (/jsi18n/, which base.html loads
  // first); without it, the English they are written in.
  var gettext = window.gettext || function (text) { return text; };

  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http on another host has no clipboard API: select the text and ask the browser.
    field.focus();
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  function say(button, status, text) {
    status.textContent = text;
    button.textContent = text;
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(function () {
      button.textContent = button.dataset.label;
      status.textContent = "";
    }, 2500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      if (!field) return;
      var status = document.createElement("span");
      status.className = "sr-only";
      status.setAttribute("role", "status");
      button.after(status);
      button.dataset.label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(field).then(
          function () { say(button, status, gettext("Copied")); },
          function () {
            field.focus();
            field.select();
            say(button, status, gettext("Selected: copy it now"));
          }
        );
      });
    });
  });
})();
