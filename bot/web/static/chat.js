// Minimal accessible chat page talking to the Rasa REST channel. Texts from the bot are only
// ever inserted as text nodes; links are built from recognised URLs, e-mail addresses and
// phone numbers, so no HTML in a message is interpreted.
(function () {
  "use strict";
  var config = window.GOCLUSTER_CONFIG || { rasaUrl: "http://localhost:5005" };
  var STORE_KEY = "gocluster-chat";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var status = document.getElementById("chat-status");
  var reset = document.getElementById("chat-reset");
  var OFFLINE = "Der Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut " +
    "oder wenden Sie sich an das go-cluster-Team: +49 30 310078-387, info@go-cluster.de.";

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "web-" + Date.now() + "-" + Math.random().toString(36).slice(2);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY)) || null; } catch (e) { return null; }
  }
  var state = load() || { senderId: newId(), messages: [] };
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

  function add(message) {
    message.time = message.time || new Date().toISOString();
    state.messages.push(message);
    save();
    render(message);
  }

  function send(text, shownAs) {
    add({ from: "user", text: shownAs || text });
    status.textContent = "Der Assistent schreibt …";
    return fetch(config.rasaUrl.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.senderId, message: text })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (replies) {
      status.textContent = "";
      replies.forEach(function (r) {
        if (r.text || (r.buttons && r.buttons.length)) { add({ from: "bot", text: r.text || "", buttons: r.buttons || [] }); }
      });
    }).catch(function () {
      status.textContent = "";
      add({ from: "bot", text: OFFLINE });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { status.textContent = "Bitte geben Sie eine Nachricht ein."; return; }
    input.value = "";
    send(text);
  });

  reset.addEventListener("click", function () {
    state = { senderId: newId(), messages: [] };
    save();
    log.textContent = "";
    send("/greet", "Neues Gespräch");
    input.focus();
  });

  state.messages.forEach(render);
  if (!state.messages.length) { send("/greet", "Hallo"); }
})();
