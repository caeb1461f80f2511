// Drag a cross-post to another day or hour of the calendar. The drop posts the new time to
// the same URL as the chip's plain "Move" form (htmx), and the server answers by refreshing
// the page, so what the calendar shows is always what was saved. A form marked
// data-progress shows its progress line while the next page is on its way.
(() => {
  const calendar = () => document.getElementById("calendar");
  const csrf = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let dragged = null;

  document.addEventListener("dragstart", (event) => {
    dragged = event.target.closest && event.target.closest("[data-move-url]");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.moveUrl);
  });

  document.addEventListener("dragover", (event) => {
    const cell = dragged && event.target.closest && event.target.closest("[data-day]");
    if (!cell || !calendar().contains(cell)) return;
    event.preventDefault();
    cell.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", (event) => {
    const cell = event.target.closest && event.target.closest("[data-day]");
    if (cell) cell.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", (event) => {
    const cell = dragged && event.target.closest && event.target.closest("[data-day]");
    if (!cell) return;
    event.preventDefault();
    cell.classList.remove("is-drop-target");
    const [hour, minute] = dragged.dataset.time.split(":");
    const at = `${cell.dataset.day}T${cell.dataset.hour || hour}:${minute}`;
    document.getElementById("calendar-progress").classList.add("htmx-request");
    calendar().setAttribute("aria-busy", "true");
    htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: cell,
      values: { scheduled_at: at },
      headers: { "X-CSRFToken": csrf() },
      swap: "none",
    });
    dragged = null;
  });

  document.addEventListener("submit", (event) => {
    const progress = event.target.dataset && event.target.dataset.progress;
    if (progress) document.getElementById(progress).classList.add("htmx-request");
  });
})();
