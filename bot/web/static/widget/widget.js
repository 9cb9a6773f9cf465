/*!
 * go-cluster-Assistent: chat widget for web sites.
 *
 * Embed with one script tag:
 *   <script src="https://BOT-HOST/static/widget/widget.js" data-server-url="https://RASA-HOST"
 *           data-title="go-cluster-Assistent" data-color="#004b87" defer></script>
 *
 * Optional attributes: data-socket-path (default "<server path>/socket.io/"), data-greeting
 * (payload sent when a conversation starts, default "/greet", "" for none), data-privacy-url
 * (default "/datenschutz" on the widget's server).
 *
 * Talks to the bot's socket.io channel. The server issues each conversation a signed session
 * token; the token and the visible history are kept in localStorage, so a reload or a second tab
 * continues the conversation. A token the server does not accept (expired key, edited storage)
 * is answered with a new session, and the history of the old one is cleared.
 * Nothing from a message is ever interpreted as HTML: text nodes only, links are built from
 * recognised URLs, e-mail addresses and phone numbers.
 */
(function () {
  "use strict";

  if (window.GoClusterWidget) { return; }   // embedded twice: the first one wins

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js']");
    return all[all.length - 1];
  })();
  if (!script) { return; }

  // --- Configuration --------------------------------------------------------------------------
  var DEFAULT_COLOR = "#004b87";
  var MIN_CONTRAST = 4.5;             // WCAG 2.1 AA for normal text, white on the colour
  var MAX_MESSAGES = 200;             // history kept in the browser
  var REPLY_TIMEOUT_MS = 30000;
  var OWNER_WINDOW_MS = 60000;        // the tab that sent a message stores the replies this long
  var CONTACT = "+49 30 310078-387, info@go-cluster.de";

  var widgetUrl = new URL(script.getAttribute("src"), document.baseURI);
  var baseUrl = new URL(".", widgetUrl).href;
  var data = script.dataset;
  var globalConfig = window.GOCLUSTER_CONFIG || {};
  var serverUrl = new URL(data.serverUrl || globalConfig.rasaUrl || "http://localhost:5005", document.baseURI);
  var serverPath = serverUrl.pathname.replace(/\/+$/, "");
  var socketPath = data.socketPath || serverPath + "/socket.io/";
  var title = (data.title || "go-cluster-Assistent").slice(0, 80);
  var greeting = data.greeting === undefined ? "/greet" : data.greeting;
  var privacyUrl = new URL(data.privacyUrl || "/datenschutz", widgetUrl.origin).href;
  var accent = accessibleColor(data.color);
  var STORE_KEY = "gocluster-widget:" + serverUrl.origin + serverPath;
  var OPEN_KEY = STORE_KEY + ":open";
  var TAB = randomId();

  var TEXT = {
    launcher: "Chat",
    launcherHidden: " mit dem " + title + " öffnen",
    close: "Chat schließen",
    restart: "Neues Gespräch",
    restarted: "Neues Gespräch begonnen. Der bisherige Verlauf wurde gelöscht.",
    input: "Ihre Nachricht",
    placeholder: "Ihre Frage …",
    send: "Senden",
    log: "Gesprächsverlauf",
    messages: "Nachrichten und Datenschutzhinweis",
    you: "Sie: ",
    bot: "Assistent: ",
    replies: "Antwortmöglichkeiten",
    typing: "Der Assistent schreibt …",
    connecting: "Verbindung zum Assistenten wird hergestellt …",
    offline: "Der Assistent ist gerade nicht erreichbar. Die Verbindung wird automatisch erneut " +
      "versucht. Sie können es auch später noch einmal versuchen oder sich an das go-cluster-Team " +
      "wenden: " + CONTACT + ".",
    reconnected: "Verbindung wiederhergestellt.",
    notSent: "Ihre Nachricht wurde nicht gesendet, weil keine Verbindung zum Assistenten besteht. " +
      "Bitte versuchen Sie es gleich noch einmal.",
    empty: "Bitte geben Sie eine Nachricht ein.",
    noReply: "Der Assistent hat nicht geantwortet. Bitte versuchen Sie es noch einmal.",
    privacyTitle: "Hinweis zum Datenschutz: ",
    privacy: "Ihre Nachrichten werden an den Assistenten des Programms „go-cluster“ übertragen und " +
      "dort zur Beantwortung gespeichert. Ihr Browser speichert den Gesprächsverlauf und eine " +
      "zufällige Gesprächskennung auf diesem Gerät, bis Sie „Neues Gespräch“ wählen. Bitte geben " +
      "Sie keine vertraulichen Daten ein. ",
    privacyLink: "Datenschutzhinweise",
    newTab: " (öffnet in neuem Tab)",
    image: "Bild öffnen",
    clock: " Uhr"
  };

  // --- Colour contrast ------------------------------------------------------------------------
  function parseHex(value) {
    var match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || "").trim());
    if (!match) { return null; }
    var hex = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    return [0, 2, 4].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrastWithWhite(rgb) { return 1.05 / (luminance(rgb) + 0.05); }

  // The colour carries white text (header, buttons, own messages) and is the text colour of links
  // on white: below 4.5:1 the compliant default is used instead.
  function accessibleColor(value) {
    if (!value) { return DEFAULT_COLOR; }
    var rgb = parseHex(value);
    if (!rgb) {
      warn("data-color \"" + value + "\" ist keine Farbe im Format #rrggbb; Standardfarbe wird verwendet.");
      return DEFAULT_COLOR;
    }
    var ratio = contrastWithWhite(rgb);
    if (ratio < MIN_CONTRAST) {
      warn("data-color " + value + " hat zu wenig Kontrast zu Weiß (" + ratio.toFixed(2) +
        ":1, nötig " + MIN_CONTRAST + ":1); Standardfarbe " + DEFAULT_COLOR + " wird verwendet.");
      return DEFAULT_COLOR;
    }
    return value.trim();
  }

  function warn(text) { if (window.console) { console.warn("go-cluster-Widget: " + text); } }

  // --- Storage --------------------------------------------------------------------------------
  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // sessionId: the token the server issued ("<id>.<signature>"), null until it has issued one.
  var SESSION_TOKEN = /^[0-9a-f]{32}\.[0-9a-f]{32}$/;
  function freshState() { return { v: 2, sessionId: null, messages: [], awaiting: null }; }

  // Stored messages are checked before use: the storage belongs to the host page's origin.
  function validMessage(m) {
    if (!m || typeof m !== "object" || (m.from !== "user" && m.from !== "bot")) { return false; }
    if (typeof m.id !== "string" || typeof m.text !== "string" || typeof m.time !== "string") { return false; }
    m.buttons = (Array.isArray(m.buttons) ? m.buttons : []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    });
    if (m.image !== undefined && !/^https?:\/\//i.test(String(m.image))) { delete m.image; }
    return true;
  }

  var memory = null;   // used when localStorage is not available (blocked, private mode)
  function load() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw && JSON.parse(raw);
      if (parsed && parsed.v === 2 && (parsed.sessionId === null || SESSION_TOKEN.test(parsed.sessionId)) &&
          Array.isArray(parsed.messages)) {
        parsed.messages = parsed.messages.filter(validMessage);
        return parsed;
      }
    } catch (e) { /* fall through */ }
    return memory || freshState();
  }

  function save() {
    if (state.messages.length > MAX_MESSAGES) { state.messages = state.messages.slice(-MAX_MESSAGES); }
    memory = state;
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* memory only */ }
  }

  function rememberOpen(open) {
    try { window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0"); } catch (e) { /* ignore */ }
  }

  function wasOpen() {
    try { return window.sessionStorage.getItem(OPEN_KEY) === "1"; } catch (e) { return false; }
  }

  // Nothing is written to the browser's storage before the user opens the chat.
  var state = load();

  // --- DOM helpers ----------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function hiddenText(text) { return el("span", "gcw-vh", text); }

  var LINK = new RegExp([
    "(\\bhttps?:\\/\\/[^\\s<>\"]+|\\bwww\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+[^\\s<>\"]*)",
    "([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})",
    "(\\+\\d{1,3}[\\d \\-\\/()]{6,}\\d|\\b0\\d{2,5}[ \\-\\/]?\\d{3,}(?:[ \\-]\\d{1,5})?)"
  ].join("|"), "gi");

  function trimUrl(url) {
    for (;;) {
      var last = url.charAt(url.length - 1);
      if (".,;:!?'\"»«“”‘’".indexOf(last) >= 0) { url = url.slice(0, -1); continue; }
      if (last === ")" && url.split("(").length < url.split(")").length) { url = url.slice(0, -1); continue; }
      return url;
    }
  }

  function makeLink(href, text, external) {
    var a = el("a", null, text);
    a.href = href;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(hiddenText(TEXT.newTab));
    }
    return a;
  }

  // Text with URLs, e-mail addresses and phone numbers as links; everything else as text nodes.
  function appendLinked(parent, text) {
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var found = match[0], link;
      if (match[1]) {
        found = trimUrl(found);
        if (!found) { continue; }
        link = makeLink(/^www\./i.test(found) ? "https://" + found : found, found, true);
      } else if (match[2]) {
        link = makeLink("mailto:" + found, found, false);
      } else {
        link = makeLink("tel:" + found.replace(/\(0\)/g, "").replace(/[^\d+]/g, ""), found, false);
      }
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(link);
      last = match.index + found.length;
      LINK.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var clock = new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit" });
  var day = new Intl.DateTimeFormat("de-DE", { day: "2-digit", month: "2-digit", year: "numeric" });
  function formatTime(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    var sameDay = day.format(date) === day.format(new Date());
    return (sameDay ? "" : day.format(date) + ", ") + clock.format(date) + TEXT.clock;
  }

  // --- Building the widget --------------------------------------------------------------------
  var host = el("div");
  host.id = "gocluster-chat-widget";
  host.style.setProperty("--gcw-accent", accent);
  var root = host.attachShadow({ mode: "open" });
  var stylesheet = el("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = baseUrl + "widget.css";
  root.appendChild(stylesheet);

  var shell = el("div", "gcw");
  shell.hidden = true;                                  // until the stylesheet has loaded
  shell.lang = "de";                                    // also on pages in other languages
  stylesheet.onload = stylesheet.onerror = function () { shell.hidden = false; };
  root.appendChild(shell);

  var launcher = el("button", "gcw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "gcw-panel");
  launcher.appendChild(chatIcon());
  launcher.appendChild(el("span", null, TEXT.launcher));
  launcher.appendChild(hiddenText(TEXT.launcherHidden));
  shell.appendChild(launcher);

  var panel = el("div", "gcw-panel");
  panel.id = "gcw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "gcw-title");
  shell.appendChild(panel);

  var header = el("div", "gcw-header");
  var heading = el("h2", "gcw-title", title);
  heading.id = "gcw-title";
  var restartButton = el("button", "gcw-header-button", TEXT.restart);
  restartButton.type = "button";
  var closeButton = el("button", "gcw-header-button gcw-close");
  closeButton.type = "button";
  var closeMark = el("span", null, "×");
  closeMark.setAttribute("aria-hidden", "true");
  closeButton.appendChild(closeMark);
  closeButton.appendChild(hiddenText(TEXT.close));
  closeButton.title = TEXT.close;
  header.appendChild(heading);
  header.appendChild(restartButton);
  header.appendChild(closeButton);
  panel.appendChild(header);

  var connection = el("p", "gcw-connection");
  connection.setAttribute("role", "status");
  panel.appendChild(connection);

  var scroller = el("div", "gcw-scroll");
  scroller.tabIndex = 0;                                // scrollable with the keyboard
  scroller.setAttribute("role", "region");
  scroller.setAttribute("aria-label", TEXT.messages);
  panel.appendChild(scroller);

  var notice = el("p", "gcw-privacy");
  notice.appendChild(el("strong", null, TEXT.privacyTitle));
  notice.appendChild(document.createTextNode(TEXT.privacy));
  notice.appendChild(makeLink(privacyUrl, TEXT.privacyLink, true));
  scroller.appendChild(notice);

  var log = el("div", "gcw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", TEXT.log);
  scroller.appendChild(log);

  var typing = el("p", "gcw-typing");
  typing.setAttribute("role", "status");
  panel.appendChild(typing);

  var form = el("form", "gcw-form");
  form.setAttribute("novalidate", "");
  var label = el("label", "gcw-vh", TEXT.input);
  label.htmlFor = "gcw-input";
  var input = el("input", "gcw-input");
  input.id = "gcw-input";
  input.type = "text";
  input.maxLength = 1000;
  input.autocomplete = "off";
  input.placeholder = TEXT.placeholder;
  input.setAttribute("enterkeyhint", "send");
  var sendButton = el("button", "gcw-send", TEXT.send);
  sendButton.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);
  panel.appendChild(form);

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" +
      "m2 5v2h12V8H6zm0 4v2h8v-2H6z");
    svg.appendChild(path);
    return svg;
  }

  // --- Rendering ------------------------------------------------------------------------------
  var rendered = [];   // ids of the messages in the log, in order

  function renderMessage(message, withReplies) {
    var item = el("div", "gcw-msg gcw-msg--" + (message.from === "user" ? "user" : "bot"));
    item.setAttribute("data-id", message.id);
    var text = el("p", "gcw-text");
    text.appendChild(hiddenText(message.from === "user" ? TEXT.you : TEXT.bot));
    appendLinked(text, message.text || "");
    if (message.image) {
      if (message.text) { text.appendChild(document.createTextNode(" ")); }
      text.appendChild(makeLink(message.image, TEXT.image, true));
    }
    item.appendChild(text);
    if (withReplies && message.buttons && message.buttons.length) {
      item.appendChild(renderReplies(message.buttons));
    }
    var time = el("time", "gcw-time", formatTime(message.time));
    time.dateTime = message.time;
    item.appendChild(time);
    log.appendChild(item);
    rendered.push(message.id);
  }

  function renderReplies(buttons) {
    var group = el("div", "gcw-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.replies);
    buttons.forEach(function (b) {
      if (/^https?:\/\//i.test(b.payload)) {
        var link = makeLink(b.payload, b.title, true);
        link.className = "gcw-reply";
        group.appendChild(link);
        return;
      }
      var button = el("button", "gcw-reply", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        if (send(b.payload, b.title)) { input.focus(); }
      });
      group.appendChild(button);
    });
    return group;
  }

  // Quick replies belong to the latest answer only: once the user has written, they go.
  function dropReplies() {
    var groups = log.querySelectorAll(".gcw-replies");
    var hadFocus = false;
    Array.prototype.forEach.call(groups, function (group) {
      if (group.contains(root.activeElement)) { hadFocus = true; }
      group.parentNode.removeChild(group);
    });
    if (hadFocus) { input.focus(); }
  }

  function renderAll() {
    log.textContent = "";
    rendered = [];
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.from === "user") { lastUser = i; } });
    state.messages.forEach(function (m, i) { renderMessage(m, i > lastUser); });
    scrollToEnd();
  }

  function appendRendered(message) {
    if (message.from === "user") { dropReplies(); }
    renderMessage(message, message.from !== "user");
    if (message.from === "user") { scrollToEnd(); } else { scrollToAnswer(); }
  }

  // Brings the log in line with the stored state (after another tab changed it).
  function syncRender() {
    var ids = state.messages.map(function (m) { return m.id; });
    var prefix = rendered.length <= ids.length && rendered.every(function (id, i) { return ids[i] === id; });
    if (!prefix) { renderAll(); return; }
    state.messages.slice(rendered.length).forEach(appendRendered);
  }

  function scrollToEnd() { scroller.scrollTop = scroller.scrollHeight; }

  // Towards the end, but a long answer is shown from its start (the user's question stays on
  // top); before the first question the privacy notice and the greeting are shown from the top.
  function scrollToAnswer() {
    var questions = log.querySelectorAll(".gcw-msg--user");
    var question = questions[questions.length - 1];
    var end = scroller.scrollHeight - scroller.clientHeight;
    scroller.scrollTop = question ? Math.min(end, Math.max(0, question.offsetTop - 8)) : 0;
  }

  function addMessage(message) {
    message.id = message.id || randomId();
    message.time = message.time || new Date().toISOString();
    state.messages.push(message);
    save();
    appendRendered(message);
  }

  var statusTimer = null;
  function setConnection(text, clearAfterMs) {
    clearTimeout(statusTimer);
    if (connection.textContent !== text) {
      connection.textContent = "";
      if (text) { appendLinked(connection, text); }
    }
    connection.classList.toggle("gcw-connection--error", text === TEXT.offline || text === TEXT.notSent);
    if (clearAfterMs) { statusTimer = setTimeout(function () { setConnection(""); }, clearAfterMs); }
  }

  var typingTimer = null;
  function showTyping() {
    typing.textContent = "";
    var dots = el("span", "gcw-dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) { dots.appendChild(el("span")); }
    typing.appendChild(dots);
    typing.appendChild(document.createTextNode(TEXT.typing));
    typing.classList.add("gcw-typing--on");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      hideTyping();
      setConnection(TEXT.noReply, 10000);
    }, REPLY_TIMEOUT_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typing.textContent = "";
    typing.classList.remove("gcw-typing--on");
  }

  // --- socket.io ------------------------------------------------------------------------------
  var socket = null;
  var confirmedSession = null;
  var requestedSession = null;     // the token sent with the last session_request
  var phase = "idle";          // idle | loading | connecting | online | offline
  var greetOnConfirm = false;

  function loadSocketIo(done) {
    var hadIo = Object.prototype.hasOwnProperty.call(window, "io");
    var previousIo = window.io;
    var amd = typeof window.define === "function" && window.define.amd ? window.define : null;
    if (amd) { window.define = undefined; }   // the UMD bundle must set a global, not an AMD module
    var tag = document.createElement("script");
    tag.src = baseUrl + "vendor/socket.io.min.js";
    tag.async = true;
    tag.onload = function () {
      var io = window.io;
      if (amd) { window.define = amd; }
      if (hadIo) { window.io = previousIo; }  // leave the host page's own socket.io alone
      done(io);
    };
    tag.onerror = function () {
      if (amd) { window.define = amd; }
      phase = "offline";
      setConnection(TEXT.offline);
    };
    document.head.appendChild(tag);
  }

  function connect() {
    if (phase !== "idle") { return; }
    phase = "loading";
    setConnection(TEXT.connecting);
    loadSocketIo(function (io) {
      phase = "connecting";
      socket = io(serverUrl.origin, {
        path: socketPath,
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        timeout: 10000
      });
      socket.on("connect", function () {
        confirmedSession = null;
        state = load();
        requestedSession = state.sessionId;
        socket.emit("session_request", { session_id: requestedSession });
      });
      socket.on("session_confirm", onSessionConfirm);
      socket.on("bot_uttered", onBotMessage);
      socket.on("connect_error", goOffline);
      socket.on("disconnect", function (reason) {
        confirmedSession = null;
        if (reason === "io client disconnect") { return; }        // our own rejoin()
        goOffline();
        if (reason === "io server disconnect") { socket.connect(); }
      });
    });
  }

  function goOffline() {
    phase = "offline";
    hideTyping();
    setConnection(TEXT.offline);
  }

  function onSessionConfirm(sessionId) {
    var id = typeof sessionId === "string" ? sessionId : sessionId && sessionId.session_id;
    if (!SESSION_TOKEN.test(id || "")) { return; }
    state = load();
    if (id !== state.sessionId) {
      if (state.sessionId !== requestedSession) { return; }   // another tab moved on meanwhile
      if (state.sessionId) {                                   // the server did not accept ours
        state.messages = [];
        renderAll();
        greetOnConfirm = true;
      }
      state.sessionId = id;
      save();
    }
    var recovered = phase === "offline";
    phase = "online";
    confirmedSession = id;
    if (recovered) { setConnection(TEXT.reconnected, 4000); }
    else if (connection.textContent === TEXT.connecting) { setConnection(""); }
    if (greetOnConfirm && !state.messages.length && greeting) {
      greetOnConfirm = false;
      emit(greeting);
    }
  }

  // Leaves the rooms of the old session and joins the current one.
  function rejoin() {
    if (!socket) { return; }
    confirmedSession = null;
    socket.disconnect();
    socket.connect();
  }

  function emit(payload) {
    state = load();
    state.awaiting = { tab: TAB, at: Date.now() };
    save();
    socket.emit("user_uttered", { message: payload });
    showTyping();
  }

  function send(payload, shownAs) {
    if (!(socket && socket.connected && state.sessionId && confirmedSession === state.sessionId)) {
      setConnection(TEXT.notSent);
      return false;
    }
    state = load();
    addMessage({ from: "user", text: shownAs || payload });
    emit(payload);
    return true;
  }

  function botMessage(raw) {
    if (!raw || typeof raw !== "object") { return null; }
    var attachment = raw.attachment && typeof raw.attachment === "object" ? raw.attachment : null;
    var payload = attachment && attachment.payload && typeof attachment.payload === "object" ? attachment.payload : {};
    var buttons = raw.quick_replies || raw.buttons || payload.buttons || [];
    var message = {
      from: "bot",
      text: typeof raw.text === "string" ? raw.text : "",
      buttons: (Array.isArray(buttons) ? buttons : []).filter(function (b) {
        return b && (typeof b.title === "string" || typeof b.payload === "string");
      }).map(function (b) {
        var title = String(b.title || b.payload);
        return { title: title, payload: String(b.payload || b.url || title) };
      })
    };
    if (attachment && attachment.type === "image" && /^https?:\/\//i.test(payload.src || "")) {
      message.image = payload.src;
    }
    return message.text || message.buttons.length || message.image ? message : null;
  }

  function onBotMessage(raw) {
    var message = botMessage(raw);
    if (!message) { return; }
    hideTyping();
    var fresh = load();
    if (fresh.sessionId !== state.sessionId) { return; }    // from a session this tab has left
    state = fresh;
    var awaiting = state.awaiting;
    var otherTab = awaiting && awaiting.tab !== TAB && Date.now() - awaiting.at < OWNER_WINDOW_MS;
    // Every tab of the conversation receives the answer; the tab that asked stores it and the
    // others show it from the storage event, so it is stored once.
    if (otherTab) { return; }
    if (!awaiting || awaiting.tab !== TAB) {
      var last = state.messages[state.messages.length - 1];
      if (last && last.from === "bot" && last.text === message.text &&
          Date.now() - new Date(last.time).getTime() < 5000) { return; }   // stored by another tab
    }
    addMessage(message);
  }

  // --- Other tabs -----------------------------------------------------------------------------
  window.addEventListener("storage", function (event) {
    if (event.key !== STORE_KEY && event.key !== null) { return; }
    var fresh = load();
    var newSession = fresh.sessionId !== state.sessionId;
    state = fresh;
    if (newSession) {
      hideTyping();
      renderAll();
      rejoin();
    } else {
      syncRender();
      var awaiting = state.awaiting;
      if (awaiting && awaiting.tab !== TAB) { hideTyping(); }
    }
  });

  // --- Opening, closing, keyboard -------------------------------------------------------------
  var overlay = window.matchMedia("(max-width: 30em), (max-height: 30em)");

  function open(moveFocus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    rememberOpen(true);
    save();             // from now on the session id is shared with the other tabs
    if (!state.messages.length) { greetOnConfirm = true; }
    if (phase === "idle") {
      connect();
    } else if (greetOnConfirm && state.sessionId && confirmedSession === state.sessionId && greeting) {
      greetOnConfirm = false;
      emit(greeting);
    }
    scrollToEnd();
    if (moveFocus !== false) { input.focus(); }
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    rememberOpen(false);
    launcher.focus();
  }

  function restart() {
    hideTyping();
    state = freshState();
    save();
    renderAll();
    setConnection(TEXT.restarted, 6000);
    greetOnConfirm = true;
    if (socket) { rejoin(); } else { connect(); }
    input.focus();
  }

  launcher.addEventListener("click", function () { open(true); });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    // When the dialog covers the whole page (small screens, high zoom) Tab stays inside it.
    if (event.key === "Tab" && overlay.matches) {
      var focusable = panel.querySelectorAll("button:not([disabled]), a[href], input, [tabindex='0']");
      var first = focusable[0], last = focusable[focusable.length - 1];
      if (event.shiftKey && root.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && root.activeElement === last) { event.preventDefault(); first.focus(); }
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { setConnection(TEXT.empty, 5000); return; }
    if (send(text)) { input.value = ""; }
  });

  function start() {
    renderAll();
    document.body.appendChild(host);
    if (wasOpen()) { open(false); }
  }

  window.GoClusterWidget = { open: function () { open(true); }, close: close };
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
