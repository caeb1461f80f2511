/*
 * Sosoon's socket client: one WebSocket per tab at /ws/, shared by every feature on the page.
 *
 *   const socket = window.sosoonSocket();         // created on first use
 *   socket.on("pong", (frame) => ...);            // frames by type; "open" and "close" too
 *   const id = socket.send({type: "ping"});       // an id is added; replies echo it
 *
 * It reconnects with exponential back-off and jitter (so a restarted server is not hit by
 * every tab at once), queues frames sent while disconnected, pings to keep proxies from
 * closing an idle socket, and stops for good on 4401 (signed out). Features re-subscribe in
 * their "open" handler, which runs after every reconnect, and ask for what they missed there.
 */
(function () {
  "use strict";

  const SIGNED_OUT = 4401;
  const KEEPALIVE_MS = 25000;
  const MAX_DELAY_MS = 30000;

  class SosoonSocket {
    constructor(url) {
      this.url = url;
      this.handlers = new Map();
      this.queue = [];
      this.nextId = 1;
      this.attempt = 0;
      this.stopped = false;
      this.connect();
    }

    connect() {
      this.ws = new WebSocket(this.url);
      this.ws.addEventListener("open", () => {
        this.attempt = 0;
        this.emit("open", {});
        this.queue.splice(0).forEach((text) => this.ws.send(text));
        this.keepalive = setInterval(() => this.send({ type: "ping" }), KEEPALIVE_MS);
      });
      this.ws.addEventListener("message", (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        this.emit(frame.type, frame);
      });
      this.ws.addEventListener("close", (event) => {
        clearInterval(this.keepalive);
        this.emit("close", { code: event.code });
        if (event.code === SIGNED_OUT) {
          this.stopped = true;
          this.emit("signed_out", {});
          return;
        }
        this.reconnectLater();
      });
    }

    reconnectLater() {
      if (this.stopped) return;
      const ceiling = Math.min(MAX_DELAY_MS, 500 * 2 ** this.attempt);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      this.attempt += 1;
      this.emit("reconnecting", { delay: delay });
      setTimeout(() => this.connect(), delay);
    }

    on(type, callback) {
      if (!this.handlers.has(type)) this.handlers.set(type, []);
      this.handlers.get(type).push(callback);
      return this;
    }

    emit(type, frame) {
      (this.handlers.get(type) || []).forEach((callback) => callback(frame));
    }

    send(frame) {
      const id = frame.id || "c" + this.nextId++;
      const text = JSON.stringify(Object.assign({}, frame, { id: id }));
      if (this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(text);
      } else {
        this.queue.push(text);
      }
      return id;
    }

    get isOpen() {
      return this.ws.readyState === WebSocket.OPEN;
    }
  }

  let shared = null;
  window.sosoonSocket = function () {
    if (!shared) {
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      shared = new SosoonSocket(scheme + window.location.host + "/ws/");
    }
    return shared;
  };
})();
