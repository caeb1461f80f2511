/*
 * The chat panel (templates/communities/chat/_panel.html) over the tab's one socket.
 *
 * It subscribes to every room listed in the panel, so unread badges move live, and shows one
 * room at a time. After every (re)connection it subscribes again with the last message id it
 * holds per room, so the server sends exactly what was missed; messages are kept by id, so one
 * that arrives both by push and by sync is shown once. docs/realtime.md lists the frames.
 */
(function () {
  "use strict";

  // Words come from the reader's translation catalog (/jsi18n/, which base.html loads
  // first); without it, the English they are written in.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => values[name]));

  const TYPING_SEND_EVERY_MS = 3000;
  const TYPING_SHOW_FOR_MS = 5000;
  const PRESENCE_EVERY_MS = 30000;
  const READ_AFTER_MS = 500;
  // Messages from one person less than this far apart share one header.
  const GROUP_WITHIN_MS = 5 * 60 * 1000;
  const LONG_PRESS_MS = 450;

  function dayOf(iso) {
    const date = new Date(iso);
    return new Date(date.getFullYear(), date.getMonth(), date.getDate());
  }

  function dayLabel(day) {
    const today = dayOf(new Date().toISOString());
    const days = Math.round((today - day) / 86400000);
    if (days === 0) return gettext("Today");
    if (days === 1) return gettext("Yesterday");
    const options = { weekday: "long", day: "numeric", month: "long" };
    if (day.getFullYear() !== today.getFullYear()) options.year = "numeric";
    return day.toLocaleDateString(document.documentElement.lang || [], options);
  }

  function continues(previous, message) {
    return Boolean(
      previous &&
        !previous.deleted &&
        !message.reply_to &&
        previous.author.id === message.author.id &&
        new Date(message.created) - new Date(previous.created) < GROUP_WITHIN_MS &&
        dayOf(previous.created).getTime() === dayOf(message.created).getTime()
    );
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  class ChatPanel {
    constructor(root) {
      this.root = root;
      this.me = Number(root.dataset.me);
      this.moderator = root.dataset.moderator === "1";
      this.socket = window.sosoonSocket();
      this.list = root.querySelector("[data-messages]");
      this.status = root.querySelector("[data-status]");
      this.online = root.querySelector("[data-online]");
      this.typingLine = root.querySelector("[data-typing]");
      this.older = root.querySelector("[data-older]");
      this.jump = root.querySelector("[data-jump]");
      this.composer = root.querySelector("[data-composer]");
      this.textarea = this.composer.querySelector("textarea");
      this.replying = root.querySelector("[data-replying]");
      this.search = root.querySelector("[data-search]");
      this.rooms = new Map();
      this.pending = new Map();
      this.lastTypingSent = 0;
      this.replyTo = null;
      this.editing = null;
      root.querySelectorAll("[data-room]").forEach((button) => {
        const id = Number(button.dataset.room);
        const badge = button.querySelector("[data-unread]");
        this.rooms.set(id, {
          unread: Number(badge ? badge.textContent : 0) || 0,
          unreadAtOpen: 0,
          newFrom: null,
          id: id,
          button: button,
          name: button.dataset.name,
          archived: button.dataset.archived === "1",
          messages: new Map(),
          lastId: 0,
          cursor: null,
          hasOlder: false,
          online: new Map(),
          typing: new Map(),
          lost: false,
        });
        button.addEventListener("click", () => this.show(id));
      });
      const wanted = Number(root.dataset.initialRoom);
      this.active = this.rooms.has(wanted) ? wanted : (this.rooms.keys().next().value || null);
      this.wire();
      if (this.active !== null) this.show(this.active);
      if (this.socket.isOpen) this.subscribeAll();
    }

    wire() {
      const on = (type, callback) => this.socket.on(type, callback.bind(this));
      on("open", this.subscribeAll);
      on("reconnecting", () => this.say(gettext("Reconnecting…")));
      on("signed_out", () => this.say(gettext("You are signed out. Sign in again to keep chatting.")));
      on("chat.subscribed", this.onSubscribed);
      on("chat.synced", this.onSynced);
      on("chat.history", this.onHistory);
      on("chat.message", (frame) => this.onMessage(frame.message, { live: true }));
      on("chat.ack", this.onAck);
      on("chat.edited", (frame) => this.onMessage(frame.message, { live: false }));
      on("chat.deleted", this.onDeleted);
      on("content.removed", this.onWithheld);
      on("chat.typing", this.onTyping);
      on("chat.presence", this.onPresence);
      on("chat.unread", (frame) => this.setUnread(frame.room, frame.unread));
      on("chat.room", this.onRoomChanged);
      on("revoked", this.onRevoked);
      on("error", this.onError);

      this.composer.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submit();
      });
      this.textarea.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          this.submit();
        }
      });
      this.textarea.addEventListener("input", () => this.typing());
      this.older.addEventListener("click", () => this.loadOlder());
      this.jump.addEventListener("click", () => this.jumpToUnread());
      this.wireLongPress();
      this.root.querySelector("[data-cancel-reply]").addEventListener("click", () => {
        this.replyTo = null;
        this.editing = null;
        this.replying.hidden = true;
      });
      document.addEventListener("visibilitychange", () => this.markReadSoon());
      setInterval(() => this.refreshPresence(), PRESENCE_EVERY_MS);
      // The composer is disabled until here: Enter pressed before these handlers existed
      // would only add a line, and the message would seem sent. From now on a message
      // written while the socket connects waits for it.
      this.textarea.disabled = false;
      this.composer.querySelector("button").disabled = false;
    }

    say(text) {
      this.status.textContent = text;
    }

    subscribeAll() {
      this.say("");
      this.rooms.forEach((room) => {
        if (room.lost) return;
        const frame = { type: "chat.subscribe", room: room.id };
        if (room.cursor !== null) frame.after = room.cursor;
        this.socket.send(frame);
      });
    }

    // Frames from the server -------------------------------------------------------------

    onSubscribed(frame) {
      const room = this.rooms.get(frame.room.id);
      if (!room) return;
      const syncing = room.cursor !== null;
      room.cursor = frame.cursor;
      room.archived = frame.room.archived;
      if (!syncing) room.hasOlder = frame.has_older;
      room.online = new Map(frame.online.map((person) => [person.id, person]));
      frame.messages.forEach((message) => this.store(room, message));
      if (syncing && frame.has_more) this.socket.send({ type: "chat.sync", room: room.id, after: room.cursor });
      this.setUnread(room.id, frame.unread);
      if (room.id === this.active) this.render();
    }

    onSynced(frame) {
      const room = this.rooms.get(frame.room);
      if (!room) return;
      room.cursor = frame.cursor;
      frame.messages.forEach((message) => this.onMessage(message, { live: true }));
      if (frame.has_more) this.socket.send({ type: "chat.sync", room: room.id, after: room.cursor });
    }

    onHistory(frame) {
      const room = this.rooms.get(frame.room);
      if (!room) return;
      room.hasOlder = frame.has_older;
      frame.messages.forEach((message) => this.store(room, message));
      if (room.id === this.active) this.render({ keepScroll: true });
    }

    onAck(frame) {
      const kind = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      if (kind === "send" || kind === "edit") this.onMessage(frame.message, { live: false });
    }

    onMessage(message, options) {
      const room = this.rooms.get(message.room);
      if (!room || room.lost) return;
      const known = room.messages.has(message.id);
      this.store(room, message);
      if (options.live && !known && message.author.id !== this.me) {
        room.typing.delete(message.author.id);
        if (room.id !== this.active || document.hidden) {
          this.setUnread(room.id, (room.unread || 0) + 1);
        }
      }
      if (room.id === this.active) {
        this.render();
        this.markReadSoon();
      }
    }

    // A moderator hid a message ("content.removed" goes only to those who lost it).
    onWithheld(frame) {
      if (frame.label !== "chat_message") return;
      for (const room of this.rooms.values()) {
        if (room.messages.delete(frame.id) && room.id === this.active) {
          this.render({ keepScroll: true });
        }
      }
    }

    onDeleted(frame) {
      const room = this.rooms.get(frame.room);
      const message = room && room.messages.get(frame.message_id);
      this.advance(room, frame.seq);
      if (!message) return;
      message.deleted = true;
      message.html = "";
      message.body = "";
      if (room.id === this.active) this.render({ keepScroll: true });
    }

    onTyping(frame) {
      const room = this.rooms.get(frame.room);
      if (!room || frame.person.id === this.me) return;
      room.typing.set(frame.person.id, { name: frame.person.name, until: Date.now() + TYPING_SHOW_FOR_MS });
      this.renderTyping();
      setTimeout(() => this.renderTyping(), TYPING_SHOW_FOR_MS + 50);
    }

    onPresence(frame) {
      const room = this.rooms.get(frame.room);
      if (!room) return;
      if (frame.online === true) room.online.set(frame.person.id, frame.person);
      else if (frame.online === false) room.online.delete(frame.person.id);
      else room.online = new Map(frame.online.map((person) => [person.id, person]));
      if (room.id === this.active) this.renderOnline();
    }

    onRoomChanged(frame) {
      const room = this.rooms.get(frame.room.id);
      if (!room) return;
      room.archived = frame.room.archived;
      if (!frame.room.direct) {
        room.name = "#" + frame.room.name;
        room.button.querySelector("span").textContent = room.name;
      }
      if (room.id === this.active) this.render({ keepScroll: true });
    }

    onRevoked(frame) {
      frame.keys.forEach((key) => {
        const room = this.rooms.get(Number(key.replace("room:", "")));
        if (!room) return;
        room.lost = true;
        room.messages.clear();
        room.button.disabled = true;
        room.button.classList.add("chat__room--lost");
        if (room.id === this.active) {
          this.render();
          const closed = gettext("%(reason)s %(room)s is closed to you now.");
          this.say(interpolate(closed, { reason: frame.reason, room: room.name }, true));
        }
      });
    }

    onError(frame) {
      if (!this.pending.has(frame.id)) return;
      this.pending.delete(frame.id);
      this.say(frame.message);
    }

    // What the person does ----------------------------------------------------------------

    submit() {
      const body = this.textarea.value.trim();
      const room = this.rooms.get(this.active);
      if (!body || !room || room.lost) return;
      let id;
      if (this.editing) {
        id = this.socket.send({ type: "chat.edit", message: this.editing, body: body });
        this.pending.set(id, "edit");
      } else {
        const frame = { type: "chat.send", room: room.id, body: body };
        if (this.replyTo) frame.reply_to = this.replyTo;
        id = this.socket.send(frame);
        this.pending.set(id, "send");
      }
      this.textarea.value = "";
      this.replyTo = null;
      this.editing = null;
      this.replying.hidden = true;
      this.say("");
    }

    typing() {
      const now = Date.now();
      if (now - this.lastTypingSent < TYPING_SEND_EVERY_MS || this.active === null) return;
      this.lastTypingSent = now;
      this.socket.send({ type: "chat.typing", room: this.active });
    }

    loadOlder() {
      const room = this.rooms.get(this.active);
      if (!room || !room.messages.size) return;
      const oldest = Math.min(...room.messages.keys());
      this.socket.send({ type: "chat.history", room: room.id, before: oldest });
    }

    markReadSoon() {
      clearTimeout(this.readTimer);
      this.readTimer = setTimeout(() => {
        const room = this.rooms.get(this.active);
        if (!room || room.lost || document.hidden || !room.lastId || room.readUpTo >= room.lastId) return;
        room.readUpTo = room.lastId;
        this.socket.send({ type: "chat.read", room: room.id, message: room.lastId });
        this.setUnread(room.id, 0);
      }, READ_AFTER_MS);
    }

    refreshPresence() {
      if (!this.socket.isOpen) return;
      this.rooms.forEach((room) => {
        if (!room.lost) this.socket.send({ type: "chat.presence", room: room.id });
      });
    }

    show(id) {
      this.active = id;
      const opened = this.rooms.get(id);
      opened.unreadAtOpen = opened.unread || 0;
      opened.newFrom = null;
      this.scrolledToTarget = false;
      this.rooms.forEach((room) => room.button.setAttribute("aria-pressed", String(room.id === id)));
      const room = this.rooms.get(id);
      this.textarea.placeholder = interpolate(gettext("Message %(room)s"), { room: room.name }, true);
      if (this.search && this.search.action) {
        this.search.action = this.search.action.replace(/\/chat\/\d+\//, "/chat/" + id + "/");
      }
      this.say("");
      this.render();
      this.markReadSoon();
    }

    // Drawing -----------------------------------------------------------------------------

    store(room, message) {
      room.messages.set(message.id, message);
      if (message.id > room.lastId) room.lastId = message.id;
      this.advance(room, message.seq);
    }

    // The sync cursor moves with a pushed change only when it is the very next one: pushes
    // from two server processes may overtake each other, and a cursor that skipped one
    // would never ask for it. Anything else waits for the next sync answer's cursor.
    advance(room, seq) {
      if (room && room.cursor !== null && seq === room.cursor + 1) room.cursor = seq;
    }

    setUnread(id, count) {
      const room = this.rooms.get(id);
      if (!room) return;
      room.unread = count;
      const badge = room.button.querySelector("[data-unread]");
      badge.textContent = String(count);
      badge.setAttribute("aria-label", count + " unread");
      badge.classList.toggle("badge--empty", !count);
    }

    render(options) {
      const room = this.rooms.get(this.active);
      const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
      this.list.replaceChildren();
      if (!room) return;
      const ids = Array.from(room.messages.keys()).sort((a, b) => a - b);
      const newFrom = this.firstUnread(room, ids);
      let previous = null;
      let divider = null;
      ids.forEach((id) => {
        const message = room.messages.get(id);
        const day = dayOf(message.created).getTime();
        const newDay = !previous || dayOf(previous.created).getTime() !== day;
        if (newDay) this.list.appendChild(this.drawDivider(dayLabel(new Date(day))));
        if (id === newFrom) {
          divider = this.drawDivider(gettext("New messages"), "chat__divider--new");
          this.list.appendChild(divider);
        }
        const grouped = !newDay && id !== newFrom && continues(previous, message);
        this.list.appendChild(this.drawMessage(message, grouped));
        previous = message;
      });
      this.older.hidden = !room.hasOlder || room.lost;
      this.jump.hidden = !divider;
      const closed = room.lost || room.archived;
      this.textarea.disabled = closed;
      this.composer.querySelector("button").disabled = closed;
      if (room.archived && !room.lost) this.say(room.name + " is archived: read-only.");
      const target = this.linkedMessage();
      if (target) {
        this.scrollListTo(target);
      } else if (divider && !this.jumped) {
        this.jumped = true;
        this.scrollListTo(divider);
      } else if (!(options && options.keepScroll) || nearBottom) {
        this.list.scrollTop = this.list.scrollHeight;
      }
      this.renderOnline();
      this.renderTyping();
    }

    // The first message that was unread when the room was opened: the newest `unreadAtOpen`
    // messages from other people. It stays marked until another room is opened.
    firstUnread(room, ids) {
      if (room.newFrom !== null || !room.unreadAtOpen) return room.newFrom;
      const theirs = ids.filter((id) => room.messages.get(id).author.id !== this.me);
      if (theirs.length < room.unreadAtOpen && room.hasOlder) return null;
      room.newFrom = theirs[Math.max(0, theirs.length - room.unreadAtOpen)] || null;
      this.jumped = false;
      return room.newFrom;
    }

    jumpToUnread() {
      const divider = this.list.querySelector(".chat__divider--new");
      if (divider) this.scrollListTo(divider);
    }

    // Scroll the message list (not the page) so that `item` sits at its top.
    scrollListTo(item) {
      this.list.scrollTop += item.getBoundingClientRect().top - this.list.getBoundingClientRect().top;
    }

    // A link to one message (search results: #message-<id>) scrolls to it once it is drawn.
    linkedMessage() {
      if (this.scrolledToTarget || !location.hash.startsWith("#message-")) return null;
      const target = document.getElementById(location.hash.slice(1));
      if (target) this.scrolledToTarget = true;
      return target;
    }

    // On touch screens a long press on a message shows its actions (hover does elsewhere).
    wireLongPress() {
      let timer = null;
      this.list.addEventListener("touchstart", (event) => {
        const item = event.target.closest(".chat__message");
        if (!item) return;
        timer = setTimeout(() => {
          this.list.querySelectorAll(".chat__message--actions").forEach((other) => {
            if (other !== item) other.classList.remove("chat__message--actions");
          });
          item.classList.toggle("chat__message--actions");
        }, LONG_PRESS_MS);
      }, { passive: true });
      const cancel = () => clearTimeout(timer);
      this.list.addEventListener("touchend", cancel);
      this.list.addEventListener("touchmove", cancel, { passive: true });
    }

    // A list item of its own (a list holds only items), read out as its words.
    drawDivider(text, extra) {
      return element("li", "chat__divider" + (extra ? " " + extra : ""), text);
    }

    drawMessage(message, grouped) {
      const item = element("li", "chat__message" + (grouped ? " chat__message--continued" : ""));
      item.id = "message-" + message.id;
      item.dataset.id = message.id;
      const time = element("time", "muted", new Date(message.created).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
      time.dateTime = message.created;
      time.title = new Date(message.created).toLocaleString();
      if (grouped) {
        // The group's header names the author; screen readers still hear it on each message.
        const meta = element("p", "chat__meta chat__meta--continued");
        meta.append(element("span", "sr-only", message.author.name + " "), time);
        if (message.edited && !message.deleted) meta.append(" ", element("span", "muted", "(edited)"));
        item.appendChild(meta);
      } else {
        const avatar = element("span", "avatar avatar--letter chat__avatar", (message.author.name || "?").charAt(0).toUpperCase());
        avatar.setAttribute("aria-hidden", "true");
        item.appendChild(avatar);
        const meta = element("p", "chat__meta");
        meta.appendChild(element("strong", "", message.author.name));
        meta.append(" ", time);
        if (message.edited && !message.deleted) meta.append(" ", element("span", "muted", "(edited)"));
        item.appendChild(meta);
      }
      if (message.reply_to && message.reply_to.unavailable) {
        item.appendChild(element("p", "chat__quote muted", "↪ Message unavailable"));
      } else if (message.reply_to) {
        item.appendChild(element("p", "chat__quote muted", "↪ " + message.reply_to.author + ": " + message.reply_to.excerpt));
      }
      if (message.deleted) {
        item.appendChild(element("p", "muted chat__body", gettext("Message deleted.")));
        return item;
      }
      const body = element("div", "chat__body");
      // The server renders and sanitises this HTML once, with nh3 (communities/chat_markdown.py).
      body.innerHTML = message.html;
      item.appendChild(body);
      item.appendChild(this.drawActions(message));
      return item;
    }

    drawActions(message) {
      const actions = element("p", "chat__actions");
      const action = (label, callback) => {
        const button = element("button", "link-button", label);
        button.type = "button";
        button.addEventListener("click", callback);
        actions.append(button, " ");
      };
      const room = this.rooms.get(message.room);
      if (room.archived) return actions;
      action(gettext("Reply"), () => {
        this.replyTo = message.id;
        this.editing = null;
        this.replying.querySelector("span").textContent = interpolate(
          gettext("Replying to %(name)s"), { name: message.author.name }, true
        );
        this.replying.hidden = false;
        this.textarea.focus();
      });
      if (message.author.id === this.me) {
        action(gettext("Edit"), () => {
          this.editing = message.id;
          this.replyTo = null;
          this.textarea.value = message.body;
          this.replying.querySelector("span").textContent = gettext("Editing your message");
          this.replying.hidden = false;
          this.textarea.focus();
        });
      }
      if (message.author.id === this.me || this.moderator) {
        action(gettext("Delete"), () => {
          if (window.confirm(gettext("Delete this message?"))) {
            this.pending.set(this.socket.send({ type: "chat.delete", message: message.id }), "delete");
          }
        });
      }
      return actions;
    }

    renderOnline() {
      const room = this.rooms.get(this.active);
      if (!room || room.lost) {
        this.online.textContent = "";
        return;
      }
      const names = Array.from(room.online.values()).map((person) => person.name).sort();
      const online = interpolate(gettext("Online: %(names)s"), { names: names.join(", ") }, true);
      this.online.textContent = names.length ? online : "";
    }

    renderTyping() {
      const room = this.rooms.get(this.active);
      const now = Date.now();
      const names = [];
      if (room) {
        room.typing.forEach((entry, id) => {
          if (entry.until > now) names.push(entry.name);
          else room.typing.delete(id);
        });
      }
      this.typingLine.textContent = names.length ? names.join(", ") + (names.length > 1 ? " are" : " is") + " typing…" : "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.sosoonSocket) return;
    document.querySelectorAll("[data-chat]").forEach((root) => new ChatPanel(root));
  });
})();
