// Sanad web chat: no build step, no framework, works on a cheap phone.
"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const select = document.getElementById("language");
  const chrome = JSON.parse(document.getElementById("chrome").textContent);
  const languages = JSON.parse(document.getElementById("languages").textContent);

  function newId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  // The session lives in this tab only: closing it leaves nothing on a shared phone.
  let session = sessionStorage.getItem("sanad-session");
  if (!session) { session = newId(); sessionStorage.setItem("sanad-session", session); }

  function setLanguage(code, dir) {
    document.documentElement.lang = code;
    document.documentElement.dir = dir;
    select.value = code;
    const words = chrome[code];
    if (!words) return;
    document.title = words.title;
    document.getElementById("title").textContent = words.title;
    document.getElementById("language-label").textContent = words.language;
    document.getElementById("privacy").textContent = words.privacy;
    input.placeholder = words.placeholder;
    input.setAttribute("aria-label", words.placeholder);
    document.getElementById("send").textContent = words.send;
  }

  function bubble(text, who) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    div.dir = "auto";
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function show(payload, who) {
    for (const reply of payload.replies || []) {
      bubble(reply.text, who);
      if (reply.options && reply.options.length) {
        const box = document.createElement("div");
        box.className = "options";
        for (const option of reply.options) {
          const button = document.createElement("button");
          button.type = "button";
          button.dir = "auto";
          button.textContent = option.label;
          button.dataset.option = option.id;
          button.addEventListener("click", () => send({ option: option.id }, option.label));
          box.appendChild(button);
        }
        log.appendChild(box);
      }
    }
    if (payload.language) setLanguage(payload.language, payload.direction || "ltr");
    log.scrollTop = log.scrollHeight;
  }

  async function send(body, echo) {
    if (echo) bubble(echo, "me");
    const message = Object.assign({ session: session, id: newId() }, body);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch("/api/webchat/messages", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(message),
        });
        if (!response.ok) throw new Error(String(response.status));
        show(await response.json(), "bot");
        return;
      } catch (err) {
        // The same id makes a retry safe: the server answers a message once.
        await new Promise((r) => setTimeout(r, 800 * (attempt + 1)));
      }
    }
    const div = document.createElement("div");
    div.className = "error";
    div.textContent = (chrome[document.documentElement.lang] || {}).offline || "Offline";
    log.appendChild(div);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  select.addEventListener("change", () => {
    const lang = languages.find((l) => l.code === select.value);
    if (lang) setLanguage(lang.code, lang.dir);
    send({ option: "system.language:" + select.value }, null);
  });

  // Counsellors' replies arrive as server-sent events.
  if (window.EventSource) {
    const events = new EventSource("/api/webchat/events?session=" + encodeURIComponent(session));
    events.onmessage = (event) => { try { show(JSON.parse(event.data), "counsellor"); } catch (e) { /* ignore */ } };
  }
})();
