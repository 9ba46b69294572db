// Sanad counsellors' console: a live queue, live conversations, alerts. No build step, no framework.
// Every action is a plain HTML form (it works without this script); this only keeps the page live.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("console-config").textContent);
  if (!config.signedIn) return;
  const words = config.words || {};
  const baseTitle = document.title;

  // --- alerts: a sound, a browser notification, a banner --------------------------------
  let audio = null;
  function ensureAudio() {
    try {
      if (!audio) audio = new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
    return audio;
  }
  function beep() {
    const ctx = ensureAudio();
    if (!ctx) return;
    const start = ctx.currentTime + 0.05;
    for (const delay of [0, 0.35, 0.7]) {  // three short tones: hard to miss, not a siren
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + delay);
      gain.gain.exponentialRampToValueAtTime(0.3, start + delay + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + delay + 0.25);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(start + delay);
      osc.stop(start + delay + 0.3);
    }
  }
  function notify(title, body) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      const note = new Notification(title, { body: body, tag: "sanad-console", requireInteraction: true });
      note.onclick = () => { window.focus(); note.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }
  function banner(text) {
    const box = document.getElementById("alert");
    if (!box) return;
    box.querySelector(".text").textContent = text;
    box.hidden = false;
  }
  function critical() {
    beep();
    notify(words.alert_title, words.alert_body);
    banner(words.alert_title + " — " + words.alert_body);
    document.title = "⚠ " + baseTitle;
    document.body.dataset.alerts = String(Number(document.body.dataset.alerts || 0) + 1);
  }
  const dismiss = document.getElementById("alert-dismiss");
  if (dismiss) dismiss.addEventListener("click", () => {
    document.getElementById("alert").hidden = true;
    document.title = baseTitle;
  });
  const enable = document.getElementById("enable-alerts");
  if (enable) {
    // Browsers allow sound and notifications only after a click: this button is that click.
    if ("Notification" in window && Notification.permission === "granted") enable.hidden = true;
    enable.addEventListener("click", () => {
      ensureAudio();
      const done = () => { enable.textContent = words.alerts_on; enable.disabled = true; };
      if ("Notification" in window && Notification.permission === "default") {
        Notification.requestPermission().then(done, done);
      } else { done(); }
    });
  }
  document.addEventListener("click", ensureAudio, { once: true });

  // --- live parts: re-fetched when the console stream says something changed --------------
  function liveRefresher(container) {
    if (!container) return () => {};
    let timer = null;
    return function refresh() {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          const response = await fetch(container.dataset.source, { credentials: "same-origin",
                                                                   headers: { "Accept": "text/html" } });
          if (response.redirected && response.url.indexOf("/console/login") !== -1) {
            window.location.assign(response.url);  // the session ended: sign in again
            return;
          }
          if (!response.ok) return;
          const typing = container.contains(document.activeElement) ? document.activeElement : null;
          if (typing && (typing.tagName === "SELECT" || typing.tagName === "TEXTAREA")) return;
          container.innerHTML = await response.text();
          if (container.id === "case-live") scrollHistory();
        } catch (e) { /* offline for a moment: the next event or tick retries */ }
      }, 150);
    };
  }
  const refreshBoard = liveRefresher(document.getElementById("board-live"));
  const refreshCase = liveRefresher(document.getElementById("case-live"));

  function scrollHistory() {
    const history = document.getElementById("history");
    if (history) history.lastElementChild && history.lastElementChild.scrollIntoView({ block: "nearest" });
  }
  scrollHistory();

  function onEvent(data) {
    refreshBoard();
    if (config.ticket && (data.ticket_id === config.ticket || data.conversation_id === config.conversation)) {
      refreshCase();
    }
    if (data.kind === "transferred" && data.counsellor_id === config.me) {
      notify(words.transferred_to_you, "");
      banner(words.transferred_to_you);
    }
  }
  if (window.EventSource) {
    const events = new EventSource("/console/events");
    events.onmessage = (event) => { try { onEvent(JSON.parse(event.data)); } catch (e) { /* ignore */ } };
    events.addEventListener("alert", (event) => {
      try { onEvent(JSON.parse(event.data)); } catch (e) { /* ignore */ }
      critical();
    });
    events.onopen = () => { document.body.dataset.live = "1"; };
  }
  setInterval(refreshBoard, 30000);  // waiting times move on even when nothing happens

  // --- the reply box ---------------------------------------------------------------------
  const canned = document.getElementById("canned");
  const reply = document.getElementById("reply");
  if (canned && reply) {
    canned.addEventListener("change", () => {
      const chosen = canned.selectedOptions[0];
      if (chosen && chosen.dataset.text) {
        reply.value = reply.value ? reply.value + "\n" + chosen.dataset.text : chosen.dataset.text;
        reply.focus();
      }
      canned.value = "";
    });
  }
  if (reply) {
    reply.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        document.getElementById("reply-form").requestSubmit();
      }
    });
  }
})();
