// The care jobs widget, for a care provider's own website. /widget.js serves this function
// followed by its data, "(...)": the open vacancies, the words and the chat's address, all in
// one response, so that the first jobs show without a second request.
// It draws into a shadow root, on an element of its own put where the script tag is: the
// page's styles do not reach in, and ours do not leak out. It sets no cookie, keeps nothing
// in storage and asks no other server. "Questions? Chat with us" opens our chat in a frame,
// in place; only then does anything about the person reach us.
(function (data) {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.parentNode || !data) { return; }
  var texts = data.texts || {};

  function say(id, values) {
    var words = typeof texts[id] === "string" ? texts[id] : "";
    return words.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] != null ? String(values[name]) : whole;
    });
  }

  function el(tag, cls, words) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (words) { node.textContent = words; }
    return node;
  }

  function safe(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  // A link that opens a new tab, and says so to screen readers.
  function link(cls, words, url, more) {
    var a = el("a", cls, words);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener";
    a.appendChild(el("span", "vh", (more || "") + say("new_tab")));
    return a;
  }

  function job(v) {
    var item = el("li");
    var title = String(v.title || "");
    item.appendChild(el("h3", "", title));
    [[v.employer, v.place].filter(Boolean).join(", "), v.salary && say("pay", { salary: v.salary }),
      v.closes && say("closes", { closes: v.closes })
    ].forEach(function (fact) { if (fact) { item.appendChild(el("p", "", fact)); } });
    var links = el("p", "links");
    var apply = safe(v.apply_url) || safe(v.page_url);
    if (apply) { links.appendChild(link("apply", say("apply"), apply, say("apply_for", { title: title }))); }
    var page = safe(v.page_url);
    if (page && page !== apply) { links.appendChild(link("", say("details"), page, ": " + title)); }
    item.appendChild(links);
    if (v.attribution) { item.appendChild(el("p", "source", String(v.attribution))); }
    return item;
  }

  function chat(box) {
    var open = el("button", "open", say("chat_open"));
    open.type = "button";
    open.setAttribute("aria-expanded", "false");
    var panel = el("div", "panel");
    panel.id = "care-jobs-chat";
    panel.hidden = true;
    open.setAttribute("aria-controls", panel.id);
    var note = el("p", "note", say("chat_note") + " ");
    var privacy = safe(data.privacy);
    if (privacy) { note.appendChild(link("", say("privacy"), privacy)); }
    panel.appendChild(note);
    var close = el("button", "close", say("chat_close"));
    close.type = "button";
    var frame = null;
    open.addEventListener("click", function () {
      if (!frame) {
        frame = el("iframe");
        frame.title = say("chat_title");
        frame.src = data.chat;
        panel.insertBefore(frame, null);
        panel.appendChild(close);
      }
      panel.hidden = false;
      open.hidden = true;
      open.setAttribute("aria-expanded", "true");
      frame.focus();
    });
    close.addEventListener("click", function () {
      panel.hidden = true;
      open.hidden = false;
      open.setAttribute("aria-expanded", "false");
      open.focus();
    });
    box.appendChild(open);
    box.appendChild(panel);
  }

  var host = document.createElement("care-jobs-widget");
  script.parentNode.insertBefore(host, script);
  var root = host.attachShadow({ mode: "open" });
  // A stylesheet made by the script: no inline style, so the page's own CSP need allow
  // nothing but our origin.
  var sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(String(data.style || "")); } catch (e) { sheet = null; }
  if (sheet && "adoptedStyleSheets" in root) {
    root.adoptedStyleSheets = [sheet];
  } else if (safe(data.css)) {
    var css = el("link");
    css.rel = "stylesheet";
    css.href = data.css;
    root.appendChild(css);
  }
  var box = el("section", "w");
  box.setAttribute("aria-labelledby", "care-jobs-heading");
  var heading = el("h2", "", data.heading || say("heading"));
  heading.id = "care-jobs-heading";
  box.appendChild(heading);
  var jobs = Array.isArray(data.jobs) ? data.jobs : [];
  if (jobs.length) {
    var list = el("ul");
    jobs.forEach(function (v) { if (v && v.title) { list.appendChild(job(v)); } });
    box.appendChild(list);
  } else {
    box.appendChild(el("p", "none", say("none")));
  }
  if (safe(data.chat)) { chat(box); }
  box.appendChild(el("p", "from", say("from")));
  root.appendChild(box);
})
