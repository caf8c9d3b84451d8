/* geostance page: read a text (POST /v1/read + /v1/dyads with explain) or a coded archive (/v1/archive).
   Plain DOM, no library; every text from the server is inserted as text, never as HTML. */
"use strict";

const LABELS = ["support", "oppose", "neutral"];
const ACTOR_COLOURS = ["#fde68a", "#bfdbfe", "#fbcfe8", "#bbf7d0", "#ddd6fe", "#fed7aa", "#a5f3fc", "#fecaca",
  "#d9f99d", "#c7d2fe", "#f5d0fe", "#e7e5e4"];
const WORDS_PER_SENTENCE = 3;
const MIN_WORD_WEIGHT = 0.1;
const $ = (id) => document.getElementById(id);
const state = { doc: null, dyads: [], selected: -1, colours: new Map(), view: "list" };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}
const pct = (p) => `${Math.round(p * 100)}%`;
const fmt = (w) => (w > 0 ? "+" : "") + w.toFixed(2);

/* ---------------------------------------------------------------- requests and their errors */
class ApiError extends Error {
  constructor(title, detail) { super(title); this.title = title; this.detail = detail; }
}

function headers() {
  const h = { "Content-Type": "application/json", Accept: "application/json" };
  const key = sessionStorage.getItem("geostance-key");
  if (key) h["X-API-Key"] = key;
  return h;
}

async function call(method, url, body) {
  let response;
  try {
    response = await fetch(url, { method, headers: headers(), body: body ? JSON.stringify(body) : undefined });
  } catch (err) {
    throw new ApiError("The service could not be reached.", "Check that it is running and try again.");
  }
  let data = null;
  try { data = await response.json(); } catch (err) { data = null; }
  if (response.ok && data) return data;
  throw explainError(response.status, data, response.headers.get("X-Request-ID"));
}

function explainError(status, data, requestId) {
  const detail = data && data.detail;
  if (status === 401) {
    $("key-row").hidden = false;
    return new ApiError("This service needs an API key.", "Enter it in the API key field and try again.");
  }
  if (status === 413) return new ApiError("The text is too long.", typeof detail === "string" ? detail : "");
  if (status === 422) {
    const items = Array.isArray(detail) ? detail : [];
    const msgs = items.map((e) => e.msg + (e.loc && e.loc.length > 1 ? ` (${e.loc.slice(1).join(".")})` : ""));
    return new ApiError("The service could not read this request.", msgs.join("; ") || "invalid request");
  }
  if (status === 503) {
    const reason = (data && data.reason) || "";
    return new ApiError(typeof detail === "string" ? capital(detail) + "." : "The service is unavailable.", reason);
  }
  if (status >= 500) {
    const rid = (data && data.request_id) || requestId || "";
    return new ApiError("The service failed on this request (internal error).",
      rid ? `Request id ${rid}: quote it when reporting the problem.` : "Try again, or report the problem.");
  }
  return new ApiError(`Unexpected answer from the service (HTTP ${status}).`, typeof detail === "string" ? detail : "");
}
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function showMessage(box, kind, title, detail) {
  box.replaceChildren(el("strong", { text: title }), detail ? el("span", { text: detail }) : "");
  box.className = `message ${kind}`;
  box.hidden = false;
}
const hideMessage = (box) => { box.hidden = true; box.replaceChildren(); };

/* ---------------------------------------------------------------- reading a text */
async function analyse(event) {
  event.preventDefault();
  const text = $("text").value;
  const box = $("message");
  const key = $("api-key").value.trim();
  if (key) sessionStorage.setItem("geostance-key", key);
  if (!text.trim()) {
    clearResults();
    showMessage(box, "error", "Paste a text first.", "The text box is empty.");
    $("text").focus();
    return;
  }
  const body = { text };
  if ($("date").value) body.date = $("date").value;
  const button = $("submit");
  button.disabled = true;
  button.textContent = "Reading…";
  $("view-text").setAttribute("aria-busy", "true");
  try {
    const [doc, dyads] = await Promise.all([call("POST", "/v1/read", body),
      call("POST", "/v1/dyads", { ...body, explain: true })]);
    hideMessage(box);
    state.doc = doc;
    state.dyads = dyads.dyads;
    state.selected = -1;
    assignColours();
    renderAll();
    if (dyads.reason === "unsupported_language") {
      showMessage(box, "info", `This text is not in English (it reads as ${languageName(dyads.language)}).`,
        "The model reads English only, so no stance is given" +
        (state.dyads.length ? ` for its ${state.dyads.length} dyad${state.dyads.length === 1 ? "" : "s"}.` : "."));
    } else if (!state.dyads.length) {
      showMessage(box, "info", "No dyad in this text.",
        doc.mentions.length ? "No two actors share a sentence." : "No state, bloc or group of the dictionary was found.");
    }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    clearResults();  // the dyads of an earlier text must not stand beside this text's error
    showMessage(box, "error", err.title, err.detail);
  } finally {
    button.disabled = false;
    button.textContent = "Find dyads";
    $("view-text").removeAttribute("aria-busy");
  }
}

function clearResults() {
  state.doc = null;
  state.dyads = [];
  state.selected = -1;
  state.colours = new Map();
  renderAll();
}

function languageName(code) {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(code);
    return name && name !== code ? `${name}, ${code}` : String(code);
  } catch (err) { return String(code || "another language"); }
}

function assignColours() {
  state.colours = new Map();
  const add = (code) => { if (!state.colours.has(code)) state.colours.set(code, ACTOR_COLOURS[state.colours.size % ACTOR_COLOURS.length]); };
  for (const m of state.doc.mentions) add(m.code);
  for (const d of state.dyads) { add(d.source.code); add(d.target.code); }
}

function actorNames() {
  const names = new Map();
  for (const m of state.doc ? state.doc.mentions : []) names.set(m.code, m.name);
  for (const d of state.dyads) { names.set(d.source.code, d.source.name); names.set(d.target.code, d.target.name); }
  return names;
}

function renderAll() {
  renderLegend();
  renderDoc();
  renderDyads();
  renderMatrix();
  renderDetail();
}

function renderLegend() {
  const names = actorNames();
  const keys = [...state.colours.entries()].map(([code, colour]) => {
    const key = el("span", { class: "key", text: `${names.get(code) || code} (${code})` });
    key.style.background = colour;
    return key;
  });
  if (!keys.length) { $("legend").replaceChildren(); return; }
  const notes = el("span", { class: "note", text: "Dashed: a mention that is not the actor acting (its role is shown). " +
    "Selecting a dyad outlines its actors, shades its evidence sentences and underlines the words that drove its stance." });
  $("legend").replaceChildren(...keys, notes);
}

/* The text, cut at every sentence, mention and highlighted-word boundary. */
function renderDoc() {
  const doc = state.doc;
  const box = $("doc");
  if (!doc) { box.replaceChildren(); return; }
  const dyad = state.dyads[state.selected];
  const evidence = new Map();
  const words = [];
  if (dyad) {
    for (const ev of dyad.evidence) {
      evidence.set(ev.sentence_index, ev);
      // the words that drove it: the strongest few features toward the dyad's stance (the detail lists more)
      const drivers = ev.explanation ? ev.explanation.toward.filter((c) => c.weight >= MIN_WORD_WEIGHT).slice(0, WORDS_PER_SENTENCE) : [];
      for (const c of drivers) for (const [a, b] of c.spans) words.push({ start: ev.start + a, end: ev.start + b, c, sentence: ev.text });
    }
  }
  const pairCodes = dyad ? [dyad.source.code, dyad.target.code] : [];
  const paragraphs = [];
  let para = el("p");
  let prev = 0;
  let mi = 0;
  const text = doc.text;
  const mentions = doc.mentions;
  for (const s of doc.sentences) {
    const between = text.slice(prev, s.start);
    if (/\n\s*\n/.test(between) && para.childNodes.length) { paragraphs.push(para); para = el("p"); }
    else if (between) para.append(between.replace(/\s+/g, " "));
    prev = s.end;
    const inside = [];
    while (mi < mentions.length && mentions[mi].start < s.end) {
      const m = mentions[mi++];
      if (m.start >= s.start && m.end <= s.end) inside.push(m);
    }
    para.append(sentenceNode(s, evidence.get(s.index), inside,
      words.filter((w) => w.start >= s.start && w.end <= s.end), dyad, pairCodes));
  }
  if (para.childNodes.length) paragraphs.push(para);
  box.replaceChildren(...paragraphs);
}

function sentenceNode(s, ev, inside, ws, dyad, pairCodes) {
  const text = state.doc.text;
  const span = el("span", { class: "sent" + (ev ? ` ev ev-${ev.stance}` : ""), id: `sent-${s.index}`,
    "data-index": s.index, title: ev ? `sentence ${s.index}: ${ev.stance} ${pct(ev.probabilities[ev.stance])}` : null });
  if (ev) span.append(el("span", { class: "sent-no", text: `${s.index}` }));
  const cuts = new Set([s.start, s.end]);
  for (const m of inside) { cuts.add(m.start); cuts.add(m.end); }
  for (const w of ws) { cuts.add(w.start); cuts.add(w.end); }
  const points = [...cuts].sort((a, b) => a - b);
  let mark = null, markMention = null;
  const closeMark = () => {
    if (!mark) return;
    span.append(mark);
    const m = markMention;
    if (m.role !== "actor") span.append(el("span", { class: "role", text: m.role }));
    else if (m.text.toLowerCase() !== m.name.toLowerCase()) span.append(el("span", { class: "code", text: m.code }));
    mark = null; markMention = null;
  };
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    const piece = text.slice(a, b);
    const m = inside.find((x) => x.start <= a && b <= x.end) || null;
    const cover = ws.filter((w) => w.start <= a && b <= w.end);
    let node = document.createTextNode(piece);
    if (cover.length && piece.trim()) {
      node = el("span", { class: `w-toward st-${dyad.stance}`, title: "pushed toward " + dyad.stance + ":\n" +
        cover.map((w) => `${plainWords(w.c, w.sentence, dyad)} ${fmt(w.c.weight)}`).join("\n") }, piece);
    }
    if (!m) { closeMark(); span.append(node); continue; }
    if (m !== markMention) {
      closeMark();
      markMention = m;
      const acting = m.role === "actor";
      const cls = ["m", acting ? "" : "inactive", acting && m.code === pairCodes[0] ? "pair-src" : "",
        acting && m.code === pairCodes[1] ? "pair-tgt" : ""].join(" ").replace(/\s+/g, " ").trim();
      mark = el("mark", { class: cls, title: `${m.name} (${m.code}, ${m.kind}) via ${m.via}` + (acting ? "" : `; role: ${m.role}`) });
      mark.style.backgroundColor = state.colours.get(m.code) || "#eee";
    }
    mark.append(node);
  }
  closeMark();
  return span;
}

function probBar(p) {
  const bar = el("span", { class: "bar", role: "img", "aria-label": LABELS.map((l) => `${l} ${pct(p[l])}`).join(", ") });
  for (const l of LABELS) { const part = el("span", { class: l }); part.style.width = `${p[l] * 100}%`; bar.append(part); }
  return bar;
}
const badge = (stance) => el("span", { class: `badge ${stance || "none"}`, text: stance || "none" });

function renderDyads() {
  $("dyads-title").textContent = `Dyads (${state.dyads.length})`;
  if (!state.dyads.length) { $("dyads").replaceChildren(el("p", { class: "hint", text: "No dyads yet." })); return; }
  const rows = state.dyads.map((d, i) => {
    const p = d.probabilities;
    const label = `${d.source.name} → ${d.target.name}: ${d.stance || "no stance"}`;
    const btn = el("button", { type: "button", class: "pair-btn", "aria-pressed": String(i === state.selected),
      "aria-label": label, "data-pair": `${d.source.code}-${d.target.code}`, onclick: () => select(i) },
    el("span", { text: d.source.name }), el("span", { class: "arrow", text: "→" }), el("span", { text: d.target.name }));
    return el("tr", { class: i === state.selected ? "selected" : null, "data-pair": `${d.source.code}-${d.target.code}` },
      el("td", {}, btn), el("td", {}, badge(d.stance)),
      el("td", {}, p ? probBar(p) : ""), el("td", { class: "pct", text: p ? `${pct(p[d.stance])}` : "" }),
      el("td", { class: "num", text: String(d.evidence.length) }));
  });
  const head = el("tr", {}, ...["source → target", "stance", "probabilities", "p", "sent."].map((h) => el("th", { scope: "col", text: h })));
  $("dyads").replaceChildren(el("table", {}, el("thead", {}, head), el("tbody", {}, rows)));
}

function renderMatrix() {
  const box = $("matrix");
  const codes = [];
  for (const d of state.dyads) for (const c of [d.source.code, d.target.code]) if (!codes.includes(c)) codes.push(c);
  if (!codes.length) { box.replaceChildren(el("p", { class: "hint", text: "No dyads yet." })); return; }
  const names = actorNames();
  const index = new Map(state.dyads.map((d, i) => [`${d.source.code}|${d.target.code}`, i]));
  const head = el("tr", {}, el("th", { class: "corner", text: "source ↓ target →" }),
    ...codes.map((c) => el("th", { scope: "col", title: names.get(c), text: c })));
  const rows = codes.map((src) => el("tr", {}, el("th", { scope: "row", class: "rowh", title: names.get(src), text: src }),
    ...codes.map((tgt) => {
      const i = index.get(`${src}|${tgt}`);
      if (src === tgt || i === undefined) return el("td", {}, el("span", { class: "cell empty", "aria-hidden": "true", text: src === tgt ? "" : "·" }));
      const d = state.dyads[i];
      const short = { support: "sup", oppose: "opp", neutral: "neu" }[d.stance] || "–";
      return el("td", {}, el("button", { type: "button", class: `cell ${d.stance || "empty"}${i === state.selected ? " selected" : ""}`,
        "aria-label": `${names.get(src)} toward ${names.get(tgt)}: ${d.stance || "no stance"}`, title: `${names.get(src)} → ${names.get(tgt)}: ${d.stance}`,
        onclick: () => select(i) }, short));
    })));
  box.replaceChildren(el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, rows)),
    el("p", { class: "hint", text: "Each cell is the stance of the row's actor toward the column's; select one to see why." }));
}

function select(i) {
  state.selected = i;
  renderDoc(); renderDyads(); renderMatrix(); renderDetail();
  const d = state.dyads[i];
  const first = d && d.evidence[0] && $(`sent-${d.evidence[0].sentence_index}`);
  if (first) first.scrollIntoView({ block: "nearest" });
  const again = document.querySelector(state.view === "list" ? `#dyads tr.selected .pair-btn` : `#matrix .cell.selected`);
  if (again) again.focus({ preventScroll: true });
}

const pairNames = (d) => ({ source: d.source.name, target: d.target.name });
function featureChip(c, dir, sentence, d) {
  return window.GeostanceExplain.chip(el, fmt, c, dir, sentence, pairNames(d));
}
function plainWords(c, sentence, d) {
  const x = window.GeostanceExplain.describe(c, sentence, pairNames(d));
  return x.text ? `“${x.text}”${x.where ? ` ${x.where}` : ""}` : x.flags.join("; ");
}

function renderDetail() {
  const box = $("detail");
  const d = state.dyads[state.selected];
  if (!d) {
    box.replaceChildren(state.dyads.length ? el("p", { class: "hint", text: "Select a dyad (click, or Tab to it and press Enter) to see its evidence and the words that drove it." }) : "");
    return;
  }
  const head = el("div", { class: "head" }, el("h3", { text: `${d.source.name} → ${d.target.name}` }), badge(d.stance),
    d.probabilities ? probBar(d.probabilities) : "",
    d.probabilities ? el("span", { class: "pct", text: LABELS.map((l) => `${l} ${pct(d.probabilities[l])}`).join(" · ") }) : "");
  const items = d.evidence.map((ev) => {
    const x = ev.explanation;
    const why = x ? el("div", { class: "why" },
      el("div", { class: "row" }, el("span", { class: "lead", text: `toward ${x.label}:` }), ...x.toward.map((c) => featureChip(c, "toward", ev.text, d))),
      el("div", { class: "row" }, el("span", { class: "lead", text: `toward ${x.versus}:` }), ...x.against.map((c) => featureChip(c, "against", ev.text, d)))) : "";
    return el("div", { class: "evi" },
      el("div", { class: "meta" }, el("span", { text: `sentence ${ev.sentence_index}` }), badge(ev.stance), probBar(ev.probabilities),
        x ? el("span", { text: `log-odds ${x.label}/${x.versus} ${fmt(x.logit)}` }) : "",
        eventChip(ev.event),
        el("button", { type: "button", text: "show in text", onclick: () => focusSentence(ev.sentence_index) })),
      el("div", { class: "text" }, markedSentence(ev, d.stance)), why);
  });
  const note = el("p", { class: "explain-note", text: "Each chip is a word or phrase of the sentence that pushed toward one label, with where it stands (before or after an actor, between them) and how much it pushed. Open a chip for the model's feature behind it: an n-gram of one of its views (actors masked as xsrcx, xtgtx, xothx; words stemmed, tagged by side and direction). Its weight is tf-idf × (coefficient of the dyad's stance − coefficient of the runner-up label); with the intercept, a sentence's weights add up to its log-odds. The words underlined in the text are the strongest pushes toward the stance." });
  box.replaceChildren(head, d.reason ? el("p", { class: "hint", text: d.reason === "unsupported_language" ? `No stance: the text is not in English (${languageName(d.language)}).` : `No stance: ${d.reason}` }) : "", ...items, note);
}

/* The sentence's event: its CAMEO code and quad class from the dictionary, or the predicted quad class. */
const QUADS = ["", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
function eventChip(e) {
  if (!e) return "";
  const text = e.quad_source === "dictionary"
    ? `CAMEO ${e.cameo_code} “${e.event_text}” · Q${e.quad_class} ${QUADS[e.quad_class]} · Goldstein ${e.goldstein}`
    : `Q${e.quad_class} ${QUADS[e.quad_class]} (predicted, ${pct(e.quad_probability)})`;
  return el("span", { class: `event q${e.quad_class}`, text,
    title: e.quad_source === "dictionary" ? "CAMEO verb dictionary (PETRARCH2) code of the phrase that links the pair"
      : "no dictionary phrase links the pair: quad class predicted from the sentence and its stance" });
}

/* The evidence sentence with the words of its strongest pushes toward the stance underlined. */
function markedSentence(ev, stance) {
  const spans = [];
  const drivers = ev.explanation ? ev.explanation.toward.filter((c) => c.weight >= MIN_WORD_WEIGHT).slice(0, WORDS_PER_SENTENCE) : [];
  for (const c of drivers) for (const [a, b] of c.spans) spans.push([a, b]);
  const cuts = [...new Set([0, ev.text.length, ...spans.flat()])].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const [a, b] = [cuts[k], cuts[k + 1]];
    const piece = ev.text.slice(a, b);
    out.push(spans.some(([x, y]) => x <= a && b <= y) && piece.trim() ? el("span", { class: `w-toward st-${stance}` }, piece) : piece);
  }
  return out;
}

function focusSentence(index) {
  const s = $(`sent-${index}`);
  if (!s) return;
  document.querySelectorAll(".sent.ev-focus").forEach((n) => n.classList.remove("ev-focus"));
  s.classList.add("ev-focus");
  s.scrollIntoView({ block: "center" });
}

/* ---------------------------------------------------------------- tabs, list/matrix toggle, keys */
function showTab(name) {
  for (const t of ["text", "archive"]) {
    const on = t === name;
    $(`tab-${t}`).setAttribute("aria-selected", String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`view-${t}`).hidden = !on;
  }
  if (name === "archive" && window.Archive) window.Archive.open();
}

function showDyadsAs(view) {
  state.view = view;
  $("show-list").setAttribute("aria-pressed", String(view === "list"));
  $("show-matrix").setAttribute("aria-pressed", String(view === "matrix"));
  $("dyads").hidden = view !== "list";
  $("matrix").hidden = view !== "matrix";
}

async function modelStatus() {
  try {
    const r = await fetch("/health");
    const h = await r.json();
    $("model-status").textContent = h.status === "ok" ? `model ${String(h.model_sha256 || "").slice(0, 8)} · ${String(h.model_created || "").slice(0, 10)}` : "model unavailable";
  } catch (err) { $("model-status").textContent = "service unreachable"; }
}

document.addEventListener("DOMContentLoaded", () => {
  $("text-form").addEventListener("submit", analyse);
  $("text").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("text-form").requestSubmit(); });
  $("tab-text").addEventListener("click", () => showTab("text"));
  $("tab-archive").addEventListener("click", () => showTab("archive"));
  document.querySelector(".tabs").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const next = document.activeElement.id === "tab-text" ? "archive" : "text";
    showTab(next); $(`tab-${next}`).focus();
  });
  $("show-list").addEventListener("click", () => showDyadsAs("list"));
  $("show-matrix").addEventListener("click", () => showDyadsAs("matrix"));
  if (sessionStorage.getItem("geostance-key")) $("key-row").hidden = false;
  renderDyads(); renderDetail(); modelStatus();
  if (location.hash === "#archive") showTab("archive");
});

window.Geostance = { call, showMessage, hideMessage, el, ApiError, fmt };
