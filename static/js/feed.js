/*
 * The "N new posts" banner on feed pages. The server pushes {"type": "feed.new_post",
 * "community": slug, "post": id} only to people the audience policy allows, after the post is
 * committed; this counts the ones meant for the feed on screen and shows a link that reloads
 * it. Without JavaScript the feed simply shows new posts on the next load. Posts and comments
 * that moderation takes away from this person leave the page at once.
 */
(function () {
  "use strict";

  // Words come from the reader's translation catalog (/jsi18n/, which base.html loads
  // first); without it, the English they are written in.
  const gettext = window.gettext || ((text) => text);

  /*
   * Moderation took a post or a comment away from this person ("content.removed" goes only to
   * those who lost it): take it off the page too, rather than leave it until the next load.
   */
  function dropRemoved(frame) {
    const shown = document.getElementById(frame.label + "-" + frame.id);
    if (!shown || (frame.label !== "post" && frame.label !== "comment")) return;
    if (frame.label === "comment") {
      shown.remove();
      return;
    }
    const note = document.createElement("p");
    note.className = "muted card";
    note.dataset.testid = "post-gone";
    note.textContent = gettext("This post is no longer available.");
    shown.replaceWith(note);
  }

  function start() {
    if (!window.sosoonSocket) return;
    window.sosoonSocket().on("content.removed", dropRemoved);
    const feed = document.querySelector("[data-feed]");
    const banner = feed && feed.querySelector("[data-testid=new-posts]");
    if (!banner) return;
    const only = feed.dataset.community || null;
    const seen = new Set();
    window.sosoonSocket().on("feed.new_post", function (frame) {
      if (only && frame.community !== only) return;
      if (seen.has(frame.post) || document.getElementById("post-" + frame.post)) return;
      seen.add(frame.post);
      banner.querySelector("[data-new-count]").textContent = String(seen.size);
      banner.querySelector("[data-new-noun]").textContent = seen.size === 1 ? "post" : "posts";
      banner.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
