/* geostance page: labelling. In the text view every evidence sentence of the selected dyad gets
   support / oppose / neutral buttons (keys s, o, n); the Label view walks the proposals of training.annotate's
   selection (GET /v1/labels/next). Labels go to the service's annotation file (POST /v1/labels).
   Every text from the server is inserted as text, never as HTML. */
"use strict";

(() => {
  const LABELS = ["support", "oppose", "neutral"];
  const KEYS = { s: "support", o: "oppose", n: "neutral" };
  const $ = (id) => document.getElementById(id);
  const G = () => window.Geostance;
  const status = { configured: null, message: "", guideline: "", file: "" };
  let current = null; // the proposal shown in the Label view

  const pct = (p) => `${Math.round(p * 100)}%`;
  const isTyping = (e) => e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
  const activeView = () => ["text", "archive", "label"].find((v) => $(`view-${v}`) && !$(`view-${v}`).hidden);

  async function loadStatus() {
    try {
      Object.assign(status, await G().call("GET", "/v1/labels"));
    } catch (err) {
      status.configured = false;
      status.message = err.detail ? `${err.title} ${err.detail}` : err.title;
    }
    $("label-guide-text").textContent = status.guideline || "";
    return status;
  }

  function errorText(err) {
    return err.detail ? `${err.title} ${err.detail}` : err.title;
  }

  /* ------------------------------------------------------------- the text view: label an evidence sentence */
  function addBars() {
    const st = G().state;
    const dyad = st.dyads[st.selected];
    if (!dyad) return;
    for (const evi of document.querySelectorAll("#detail .evi[data-sentence]")) {
      if (evi.querySelector(".label-bar")) continue;
      const sentence = Number(evi.dataset.sentence);
      const note = G().el("span", { class: "label-note", "aria-live": "polite" });
      const buttons = LABELS.map((l) => G().el("button", {
        type: "button", class: `lbl ${l}`, "data-label": l, title: `label this sentence ${l} (key ${l[0]})`,
        onclick: () => labelSentence(dyad, sentence, l, note),
      }, l));
      evi.append(G().el("div", { class: "label-bar" },
        G().el("span", { class: "lead", text: "Your label:" }), ...buttons, note));
    }
  }

  async function labelSentence(dyad, sentence, label, note) {
    if (status.configured === false) {
      note.className = "label-note error";
      note.textContent = status.message;
      return;
    }
    const body = { text: G().state.doc.text, sentence, source: dyad.source.code, target: dyad.target.code, label };
    if ($("date").value) body.date = $("date").value;
    note.className = "label-note";
    note.textContent = "saving…";
    try {
      const r = await G().call("POST", "/v1/labels", body);
      note.className = "label-note ok";
      note.textContent = `${label} saved to ${r.file}` + (r.status === "replaced" ? " (replaces the earlier label)" : "")
        + (r.status === "unchanged" ? " (already labelled so)" : "");
    } catch (err) {
      if (!(err instanceof G().ApiError)) throw err;
      note.className = "label-note error";
      note.textContent = errorText(err);
    }
  }

  function keyInText(e) {
    const label = KEYS[e.key];
    const st = G().state;
    if (!label || st.selected < 0) return false;
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".evi");
    const evi = focused || document.querySelector("#detail .evi[data-sentence]");
    const button = evi && evi.querySelector(`.label-bar [data-label="${label}"]`);
    if (!button) return false;
    button.click();
    return true;
  }

  /* ------------------------------------------------------------- the Label view: the next proposals */
  function marked(p) {
    const marks = [...p.source_spans.map(([a, b]) => [a, b, "lbl-src"]), ...p.target_spans.map(([a, b]) => [a, b, "lbl-tgt"])]
      .sort((x, y) => x[0] - y[0]);
    const out = [];
    let at = 0;
    for (const [a, b, cls] of marks) {
      if (a < at) continue;
      out.push(p.text.slice(at, a), G().el("mark", { class: cls }, p.text.slice(a, b)));
      at = b;
    }
    out.push(p.text.slice(at));
    return out;
  }

  function bar(probs) {
    const node = G().el("span", { class: "bar", role: "img", "aria-label": LABELS.map((l) => `${l} ${pct(probs[l])}`).join(", ") });
    for (const l of LABELS) { const part = G().el("span", { class: l }); part.style.width = `${probs[l] * 100}%`; node.append(part); }
    return node;
  }

  function showCard(p, remaining) {
    const el = G().el;
    current = p;
    if (!p) {
      $("label-card").replaceChildren(el("p", { class: "hint", text: "Nothing left to propose: every pair of the configured articles is labelled or skipped." }));
      return;
    }
    const answer = (l) => el("button", { type: "button", class: `lbl ${l}`, "data-label": l, onclick: () => answerCard(l) },
      l, el("kbd", { text: l[0] }));
    $("label-card").replaceChildren(
      el("p", { class: "label-where", text: `${remaining} proposal${remaining === 1 ? "" : "s"} left · ${p.title || "(no title)"}` +
        ` (${p.date || "no date"}) · article ${p.doc_id}, sentence ${p.sentence}` }),
      el("blockquote", { id: "label-sentence", class: "label-sentence" }, ...marked(p)),
      el("p", { class: "label-question" }, "Stance of ", el("mark", { class: "lbl-src", text: p.source_name }),
        ` (${p.source}) toward `, el("mark", { class: "lbl-tgt", text: p.target_name }), ` (${p.target})?`),
      el("p", { class: "label-guess" }, "Model: ", el("span", { class: `badge ${p.guess}`, text: p.guess }), " ", bar(p.probabilities),
        el("span", { class: "pct", text: LABELS.map((l) => `${l} ${pct(p.probabilities[l])}`).join(" · ") })),
      el("div", { class: "label-answers" }, ...LABELS.map(answer),
        el("button", { type: "button", class: "lbl skip-one", "data-label": "skip", onclick: () => answerCard("skip") }, "skip", el("kbd", { text: "k" })),
        el("button", { type: "button", class: "lbl guide", onclick: toggleGuide }, "guideline", el("kbd", { text: "?" }))));
  }

  async function nextCard() {
    const box = $("label-message");
    try {
      const r = await G().call("GET", "/v1/labels/next?n=1");
      showCard(r.proposals[0] || null, r.remaining);
    } catch (err) {
      if (!(err instanceof G().ApiError)) throw err;
      current = null;
      $("label-card").replaceChildren();
      G().showMessage(box, "error", err.title, err.detail);
    }
  }

  async function answerCard(label) {
    const p = current;
    if (!p) return;
    const key = { doc_id: p.doc_id, sentence: p.sentence, source: p.source, target: p.target };
    const box = $("label-message");
    try {
      if (label === "skip") {
        await G().call("POST", "/v1/labels/skip", key);
        G().showMessage(box, "info", "Skipped.", `${p.source} → ${p.target} is not proposed again.`);
      } else {
        const r = await G().call("POST", "/v1/labels", { ...key, label });
        G().showMessage(box, "ok", `Saved: ${label}.`, `${p.source} → ${p.target}, sentence ${p.sentence}, in ${r.file}` +
          (r.status === "replaced" ? " (replaces the earlier label)." : "."));
      }
      await nextCard();
    } catch (err) {
      if (!(err instanceof G().ApiError)) throw err;
      G().showMessage(box, "error", err.title, err.detail);
    }
  }

  function toggleGuide() {
    const guide = $("label-guide");
    guide.open = !guide.open;
    if (guide.open) guide.scrollIntoView({ block: "nearest" });
  }

  async function open() {
    const box = $("label-message");
    G().hideMessage(box);
    await loadStatus();
    if (!status.configured) {
      $("label-card").replaceChildren();
      G().showMessage(box, "error", "Labelling is off.", status.message);
      return;
    }
    await nextCard();
  }

  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver(addBars).observe($("detail"), { childList: true });
    document.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      const view = activeView();
      if (view === "label") {
        if (e.key === "?") { toggleGuide(); e.preventDefault(); }
        else if (KEYS[e.key] || e.key === "k") { answerCard(KEYS[e.key] || "skip"); e.preventDefault(); }
      } else if (view === "text" && keyInText(e)) e.preventDefault();
    });
    loadStatus();
  });

  window.Labeler = { open };
})();
