// Minimal accessible chat page talking to the bot's socket.io channel (as the widget does). The
// server issues the session token; the page keeps it and the history in localStorage. Texts from
// the bot are only ever inserted as text nodes; links are built from recognised URLs, e-mail
// addresses and phone numbers, so no HTML in a message is interpreted.
(function () {
  "use strict";
  var config = window.GOCLUSTER_CONFIG || { rasaUrl: "http://localhost:5005" };
  var STORE_KEY = "gocluster-chat";
  var SESSION_TOKEN = /^[0-9a-f]{32}\.[0-9a-f]{32}$/;
  var REPLY_TIMEOUT_MS = 30000;
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var status = document.getElementById("chat-status");
  var reset = document.getElementById("chat-reset");
  var OFFLINE = "Der Assistent ist gerade nicht erreichbar. Die Verbindung wird automatisch erneut " +
    "versucht. Sie können sich auch an das go-cluster-Team wenden: +49 30 310078-387, info@go-cluster.de.";
  var NOT_SENT = "Ihre Nachricht wurde nicht gesendet, weil keine Verbindung zum Assistenten besteht. " +
    "Bitte versuchen Sie es gleich noch einmal.";
  var NO_REPLY = "Der Assistent hat nicht geantwortet. Bitte versuchen Sie es noch einmal.";

  function fresh() { return { v: 2, sessionId: null, messages: [] }; }
  function load() {
    try {
      var stored = JSON.parse(localStorage.getItem(STORE_KEY));
      if (stored && stored.v === 2 && (stored.sessionId === null || SESSION_TOKEN.test(stored.sessionId)) &&
          Array.isArray(stored.messages)) { return stored; }
    } catch (e) { /* fall through */ }
    return fresh();
  }
  var state = load();
  function save() {
    try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  var LINK = /(https?:\/\/[^\s<>()"]+[^\s<>()".,;:!?])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(\+49[\d \-]{6,}\d)/g;
  function appendLinked(parent, text) {
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement("a");
      a.textContent = match[0];
      if (match[1]) { a.href = match[1]; a.target = "_blank"; a.rel = "noopener noreferrer"; }
      else if (match[2]) { a.href = "mailto:" + match[2]; }
      else { a.href = "tel:" + match[3].replace(/[^\d+]/g, ""); }
      parent.appendChild(a);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleString("de-DE", { dateStyle: "short", timeStyle: "short" });
  }

  function render(message) {
    var item = document.createElement("li");
    item.className = "msg msg--" + message.from;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = message.from === "bot" ? "Assistent: " : "Sie: ";
    item.appendChild(who);
    var body = document.createElement("div");
    appendLinked(body, message.text || "");
    item.appendChild(body);
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "buttons";
      message.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    var time = document.createElement("time");
    time.dateTime = message.time;
    time.textContent = formatTime(message.time);
    item.appendChild(time);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(render);
  }

  function add(message) {
    message.time = message.time || new Date().toISOString();
    state.messages.push(message);
    save();
    render(message);
  }

  // --- Connection -----------------------------------------------------------------------------
  var rasa = new URL(config.rasaUrl, document.baseURI);
  var socket = window.io(rasa.origin, { path: rasa.pathname.replace(/\/+$/, "") + "/socket.io/",
                                        reconnectionDelayMax: 5000 });
  var confirmed = null;
  var requested = null;
  var replyTimer = null;

  function waiting(on) {
    window.clearTimeout(replyTimer);
    status.textContent = on ? "Der Assistent schreibt …" : "";
    if (on) { replyTimer = window.setTimeout(function () { status.textContent = NO_REPLY; }, REPLY_TIMEOUT_MS); }
  }

  socket.on("connect", function () {
    confirmed = null;
    requested = state.sessionId;
    socket.emit("session_request", { session_id: requested });
  });

  socket.on("session_confirm", function (token) {
    if (!SESSION_TOKEN.test(token || "")) { return; }
    if (token !== state.sessionId) {
      if (state.sessionId) { state.messages = []; renderAll(); }   // the server did not accept ours
      state.sessionId = token;
      save();
    }
    confirmed = token;
    if (status.textContent === OFFLINE) { status.textContent = ""; }
    if (!state.messages.length) { send("/greet", "Hallo"); }
  });

  socket.on("bot_uttered", function (reply) {
    if (!reply || typeof reply !== "object") { return; }
    waiting(false);
    var buttons = (Array.isArray(reply.quick_replies || reply.buttons) ? (reply.quick_replies || reply.buttons) : [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; });
    if (typeof reply.text === "string" || buttons.length) {
      add({ from: "bot", text: typeof reply.text === "string" ? reply.text : "", buttons: buttons });
    }
  });

  socket.on("connect_error", function () { confirmed = null; waiting(false); status.textContent = OFFLINE; });
  socket.on("disconnect", function () { confirmed = null; });

  function send(text, shownAs) {
    if (!(socket.connected && confirmed && confirmed === state.sessionId)) {
      status.textContent = NOT_SENT;
      return false;
    }
    add({ from: "user", text: shownAs || text });
    socket.emit("user_uttered", { message: text });
    waiting(true);
    return true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { status.textContent = "Bitte geben Sie eine Nachricht ein."; return; }
    if (send(text)) { input.value = ""; }
  });

  reset.addEventListener("click", function () {
    state = fresh();
    save();
    renderAll();
    status.textContent = "Neues Gespräch begonnen.";
    // A new session from the server; its confirmation greets.
    socket.disconnect();
    socket.connect();
    input.focus();
  });

  renderAll();
})();
