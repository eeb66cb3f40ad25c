// The web chat: sends messages to /api/chat and renders replies as text, never HTML.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var status = document.getElementById("status");
  var STORE = "cc-chat-log";

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(history)); } catch (e) { /* private mode */ }
  }
  var history = [];
  try { history = JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch (e) { history = []; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function renderCard(custom) {
    var card = el("div", "card msg bot");
    card.appendChild(el("h3", "", custom.title || "Vacancy"));
    var facts = [custom.employer, custom.place, custom.salary,
      custom.closing_date ? "Closes " + custom.closing_date : ""].filter(Boolean).join(" · ");
    card.appendChild(el("p", "", facts));
    var url = safeUrl(custom.apply_url);
    if (url) {
      var link = el("a", "", "Apply");
      link.href = url; link.rel = "noopener noreferrer"; link.target = "_blank";
      card.appendChild(link);
    }
    return card;
  }

  function render(entry, live) {
    if (entry.from === "user") {
      log.appendChild(el("p", "msg user", entry.text));
    } else {
      if (entry.text) { log.appendChild(el("p", "msg bot", entry.text)); }
      if (entry.custom && entry.custom.type === "vacancy") { log.appendChild(renderCard(entry.custom)); }
      if (live && entry.buttons && entry.buttons.length) {
        var chips = el("div", "chips");
        entry.buttons.forEach(function (b) {
          var chip = el("button", "", b.title);
          chip.type = "button";
          chip.addEventListener("click", function () {
            chips.remove();
            send({ button: b.payload }, b.title);
          });
          chips.appendChild(chip);
        });
        log.appendChild(chips);
      }
    }
    window.scrollTo(0, document.body.scrollHeight);
  }

  function remember(entry) { history.push(entry); history = history.slice(-100); save(); }

  function send(body, shown) {
    var mine = { from: "user", text: shown || body.message };
    render(mine, true); remember(mine);
    status.textContent = "";
    fetch("/api/chat", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { status.textContent = result.body.detail || "Sorry, something went wrong."; return; }
      (result.body.messages || []).forEach(function (m) {
        var entry = { from: "bot", text: m.text, buttons: m.buttons, custom: m.custom };
        render(entry, true); remember(entry);
      });
    }).catch(function () {
      status.textContent = "Sorry, I can't reach the chat right now. Please try again in a minute.";
    });
  }

  history.forEach(function (entry, i) { render(entry, i === history.length - 1); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send({ message: text });
  });
  if (!history.length) { send({ message: "hi" }); }
})();
