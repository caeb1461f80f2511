/*
 * The "N new posts" banner on feed pages. The server pushes {"type": "feed.new_post",
 * "community": slug, "post": id} only to people the audience policy allows, after the post is
 * committed; this counts the ones meant for the feed on screen and shows a link that reloads
 * it. Without JavaScript the feed simply shows new posts on the next load.
 */
(function () {
  "use strict";

  function start() {
    const feed = document.querySelector("[data-feed]");
    const banner = feed && feed.querySelector("[data-testid=new-posts]");
    if (!banner || !window.sosoonSocket) return;
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
