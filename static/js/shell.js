// The app shell on phones: the Menu button opens the sidebar as a drawer, Escape or the
// button closes it. Without JavaScript the button stays hidden and the bottom tab bar
// and the Communities page reach everything the drawer does.
(() => {
  const button = document.querySelector("[data-drawer-toggle]");
  const sidebar = document.getElementById("sidebar");
  if (!button || !sidebar) return;
  button.hidden = false;
  const setOpen = (open) => {
    document.body.classList.toggle("drawer-open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) sidebar.querySelector("a")?.focus();
  };
  button.addEventListener("click", () => setOpen(!document.body.classList.contains("drawer-open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("drawer-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
