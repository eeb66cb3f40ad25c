// The web chat: talks to /api/chat and renders every reply as text (textContent), never HTML.
// The page arrives with the greeting (or, after a form post, the turn it took) already drawn in
// #log, and the same entries in data-entries: this script keeps them and takes over the forms.
// The transcript lives in this tab's sessionStorage, under the conversation's tag, so that a
// reload shows it again without a request, even when the server cannot answer.
// A message sent while a reply is on its way waits in a queue and goes next, in order.
// Screen readers hear each new reply once, from a hidden live region (#announce); the
// transcript itself is not live, so a reload does not read the whole conversation again.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var status = document.getElementById("status");
  var announcer = document.getElementById("announce");
  var header = document.querySelector("header.top");
  var dock = document.querySelector(".dock");
  var PREFIX = "cc-chat:";
  var STORE = PREFIX + (root.getAttribute("data-conversation") || "");
  var KEEP = 200;
  var TIMEOUT_MS = 30000;
  // In the widget's frame on another website there is no cookie: the page holds the session
  // and sends it with each request; each answer gives it back, changed.
  var session = root.getAttribute("data-session");
  var TEXTS = readJson("data-texts", {});
  var stored = load();
  // What the server drew: the greeting, which a transcript this tab holds already begins
  // with, or the turn a form post took (before this script loaded), which adds to it.
  var drawn = readJson("data-entries", []);
  var history = !stored.length ? drawn
    : root.getAttribute("data-shown") === "turn" ? stored.concat(drawn) : stored;
  // A transcript in this tab means the person chatting here never left: adviser messages are
  // theirs. Otherwise (a new tab, a shared browser) the page asks before showing any.
  var ownTab = stored.length > 0;
  var busy = false;
  var queue = [];

  // JSON the page holds: its words, from the catalogue (content/texts/en/web.yml:
  // web.chat.script), and the entries it drew.
  function readJson(name, empty) {
    try {
      var value = JSON.parse(root.getAttribute(name) || "null");
      var sameKind = value && typeof value === "object" && Array.isArray(value) === Array.isArray(empty);
      return sameKind ? value : empty;
    } catch (e) { return empty; }
  }

  function say(id, values) {
    return str(TEXTS[id]).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? str(values[name]) : whole;
    });
  }

  function load() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0 && key !== STORE) { sessionStorage.removeItem(key); }
      }
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (e) { return []; }
  }

  function save() {
    history = history.slice(-KEEP);
    try { sessionStorage.setItem(STORE, JSON.stringify(history)); } catch (e) { /* storage off or full */ }
  }

  function str(value) {
    return typeof value === "string" || typeof value === "number" ? String(value) : "";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function hidden(text) { return el("span", "visually-hidden", text); }

  function announce(text) {
    if (!announcer || !text) { return; }
    announcer.appendChild(el("p", "", text));
    while (announcer.childNodes.length > 20) { announcer.removeChild(announcer.firstChild); }
  }

  function spoken(entry) {
    var parts = [];
    if (entry.from === "adviser") { parts.push(say("adviser_message", { by: entry.by })); }
    if (str(entry.text)) { parts.push(str(entry.text)); }
    var v = entry.custom;
    if (v && v.type === "vacancy") {
      parts.push(say("job", { job: [str(v.title) || say("vacancy"), str(v.employer), str(v.place)]
        .filter(Boolean).join(", ") }) + ".");
    }
    return parts.join(" ");
  }

  function safeUrl(url) {
    if (typeof url !== "string") { return null; }
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  function link(cls, text, url) {
    var a = el("a", cls, text);
    a.href = url; a.rel = "noopener noreferrer"; a.target = "_blank";
    return a;
  }

  function bubble(from, text) {
    var p = el("p", "msg " + from);
    p.appendChild(hidden(say(from === "user" ? "you_said" : "assistant_said")));
    p.appendChild(document.createTextNode(text));
    return p;
  }

  // A message an adviser wrote: it names the person and their organisation, never the bot.
  function fromAdviser(entry) {
    var p = el("p", "msg adviser");
    p.appendChild(el("strong", "by", say("adviser_message", { by: entry.by }) + " "));
    p.appendChild(document.createTextNode(str(entry.text)));
    return p;
  }

  function miles(value) {
    var n = Number(value);
    if (value === null || value === "" || !isFinite(n)) { return ""; }
    n = Math.round(n * 10) / 10;
    return say(n === 1 ? "mile_away" : "miles_away", { miles: n });
  }

  function card(v) {
    var box = el("article", "card");
    var title = str(v.title) || say("vacancy");
    box.appendChild(el("h2", "", title));
    [[str(v.employer), str(v.place)].filter(Boolean).join(", "), miles(v.distance_miles),
      str(v.salary) && say("pay", { salary: v.salary }),
      str(v.closing_date) && say("closing", { closing_date: v.closing_date })
    ].forEach(function (fact) { if (fact) { box.appendChild(el("p", "", fact)); } });
    var url = safeUrl(v.apply_url);
    if (url) {
      var apply = link("apply", say("apply"), url);
      apply.appendChild(hidden(say("apply_for", { title: title })));
      box.appendChild(apply);
    }
    if (str(v.attribution)) { box.appendChild(el("p", "source", str(v.attribution))); }
    return box;
  }

  function chip(title, onPress) {
    var button = el("button", "chip", title);
    button.type = "button";
    button.addEventListener("click", function (event) { onPress(event.detail === 0); });
    return button;
  }

  function chipGroup() {
    var group = el("div", "chips");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", say("suggested_replies"));
    return group;
  }

  function chips(buttons) {
    var group = chipGroup();
    buttons.forEach(function (b) {
      var title = str(b && b.title);
      var url = safeUrl(b && b.url);
      if (title && url) {
        group.appendChild(link("chip", title, url));
      } else if (title && typeof b.payload === "string") {
        group.appendChild(chip(title, function (byKeyboard) {
          send({ button: b.payload }, title, byKeyboard);
        }));
      }
    });
    return group;
  }

  // New nodes go above the messages still waiting to be sent, which stay at the bottom.
  function place(node) {
    var waiting = null;
    for (var i = 0; i < queue.length && !waiting; i++) { waiting = queue[i].node; }
    log.insertBefore(node, waiting);
  }

  function render(entry, live) {
    var first = null;
    function add(node) { place(node); first = first || node; }
    if (entry.from === "user") {
      add(bubble("user", str(entry.text)));
    } else if (entry.from === "adviser") {
      add(fromAdviser(entry));
      if (live && entry.buttons && entry.buttons.length) { add(chips(entry.buttons)); }
    } else {
      if (str(entry.text)) { add(bubble("bot", str(entry.text))); }
      if (entry.custom && entry.custom.type === "vacancy") { add(card(entry.custom)); }
      if (live && entry.buttons && entry.buttons.length) { add(chips(entry.buttons)); }
    }
    return first;
  }

  function clearChips() {
    Array.prototype.slice.call(log.querySelectorAll(".chips, .adviser-ask")).forEach(function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function scrollDown() { window.scrollTo(0, document.body.scrollHeight); }

  function post(body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    function done(result) { clearTimeout(timer); return result; }
    return fetch("/api/chat", {
      method: "POST", credentials: session ? "omit" : "same-origin", headers: headers(),
      body: JSON.stringify(body), signal: controller ? controller.signal : undefined
    }).then(function (response) {
      keepSession(response);
      return response.json().catch(function () { return {}; }).then(function (data) {
        return done({ ok: response.ok, status: response.status, body: data || {} });
      });
    }, function () { return done({ ok: false, status: 0, body: {} }); });
  }

  function headers() {
    var sent = { "Content-Type": "application/json" };
    if (session) { sent["X-Chat-Session"] = session; }
    return sent;
  }

  function keepSession(response) {
    var given = session && response.headers.get("X-Chat-Session");
    if (!given) { return; }
    session = given;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=session]"), function (field) {
      field.value = given;
    });
  }

  function failed(result, node, body, shown) {
    if (node) { node.className += " failed"; node.appendChild(el("span", "note", say("not_sent"))); }
    var retry = result.status === 0 || result.status === 429 || result.status >= 500;
    status.textContent = str(result.body.detail) || say(result.status ? "failed" : "offline");
    // A button press is never sent again by itself: the server may have taken it and moved
    // on to another question (say, consent), which an old answer must not fill.
    if (body.button) {
      status.textContent += " " + say("button_again");
      retry = false;
    }
    if (retry) {
      var group = chipGroup();
      group.appendChild(chip(say("try_again"), function (byKeyboard) { send(body, shown, byKeyboard); }));
      place(group);
    }
  }

  function answered(result, mine) {
    if (mine) { history.push(mine); }
    (result.body.messages || []).forEach(function (m) {
      var entry = { from: "bot", text: m.text, buttons: m.buttons, custom: m.custom };
      history.push(entry);
      render(entry, true);
      announce(spoken(entry));
    });
    save();
  }

  function send(body, shown, refocus) {
    var mine = shown ? { from: "user", text: shown } : null;
    var item = { body: body, shown: shown, mine: mine, refocus: refocus, node: null };
    if (mine) {
      item.node = bubble("user", shown);
      log.appendChild(item.node);
    }
    if (busy) {
      if (item.node) { item.node.appendChild(el("span", "note waiting", say("waiting"))); }
      queue.push(item);
      scrollDown();
      return;
    }
    start(item);
  }

  function start(item) {
    busy = true;
    clearChips();
    status.textContent = "";
    var waiting = item.node && item.node.querySelector(".waiting");
    if (waiting) { item.node.removeChild(waiting); }
    var typing = el("p", "msg bot typing", "…");
    typing.setAttribute("aria-hidden", "true");
    place(typing);
    scrollDown();
    post(item.body).then(function (result) {
      log.removeChild(typing);
      if (result.ok) { answered(result, item.mine); } else { failed(result, item.node, item.body, item.shown); }
      busy = false;
      if (item.refocus) { input.focus(); }
      scrollDown();
      if (queue.length) { start(queue.shift()); }
    });
  }

  // Keep what has the keyboard focus clear of the sticky header and dock (WCAG 2.4.11).
  function edge(bar, side) {
    if (!bar || getComputedStyle(bar).position !== "sticky") { return null; }
    return bar.getBoundingClientRect()[side];
  }

  function keepClear(target) {
    if (!log.contains(target)) { return; }
    var box = target.getBoundingClientRect();
    var top = edge(header, "bottom");
    var bottom = edge(dock, "top");
    var margin = 8;
    if (bottom !== null && box.bottom > bottom - margin) {
      window.scrollBy(0, box.bottom - bottom + margin);
    } else if (top !== null && box.top < top + margin) {
      window.scrollBy(0, box.top - top - margin);
    }
  }

  // Draw the transcript in place of what the server drew (the same, when it holds only that),
  // so that every button is the script's; a greeting or turn the tab did not hold is kept.
  while (log.firstChild) { log.removeChild(log.firstChild); }
  var lastUser = -1;
  history.forEach(function (entry, i) { if (entry && entry.from === "user") { lastUser = i; } });
  history.forEach(function (entry, i) { if (entry) { render(entry, i > lastUser); } });
  if (history !== stored) { save(); }
  scrollDown();

  document.addEventListener("focusin", function (event) { keepClear(event.target); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text) { send({ message: text }, text, false); input.value = ""; }
  });

  // What advisers wrote since this browser last opened the chat: shown once, and announced;
  // the last carries the buttons that end the adviser chat (what is typed goes to it).
  function adviserMessages(body) {
    return fetch("/api/chat/adviser-messages", {
      method: "POST", credentials: session ? "omit" : "same-origin", headers: headers(),
      body: JSON.stringify(body)
    }).then(function (response) {
      keepSession(response);
      return response.ok ? response.json() : {};
    });
  }

  function showAdviserMessages(data) {
    var shown = (data && data.messages) || [];
    shown.forEach(function (m) {
      var entry = { from: "adviser", by: m.by, text: m.text, buttons: m.buttons };
      history.push(entry);
      render(entry, true);
      announce(spoken(entry));
    });
    if (shown.length) { save(); scrollDown(); }
  }

  // Messages wait for someone who chatted on this browser before: ask whether that is them
  // (the question, from the page's #adviser-ask template, says nothing of the message).
  function askFirst() {
    var template = document.getElementById("adviser-ask");
    if (!template || !template.content) { return; }
    var copy = template.content.cloneNode(true);
    var nodes = Array.prototype.slice.call(copy.childNodes);
    Array.prototype.forEach.call(copy.querySelectorAll("button[data-answer]"), function (button) {
      button.addEventListener("click", function () {
        var answer = {};
        answer[button.getAttribute("data-answer")] = true;
        nodes.forEach(function (node) { if (node.parentNode) { node.parentNode.removeChild(node); } });
        adviserMessages(answer).then(function (data) {
          if (data && data.restart) { window.location.reload(); return; }
          showAdviserMessages(data);
        }, function () { return null; });
      });
    });
    var question = copy.querySelector("p");
    place(copy);
    if (question) { announce(question.textContent); }
    scrollDown();
  }

  adviserMessages({ in_this_tab: ownTab }).then(function (data) {
    if (data && data.ask) { askFirst(); } else { showAdviserMessages(data); }
  }, function () { return null; });
})();
