/* geostance page: a model feature (an n-gram of one view, e.g. "sl:xsrcx", "fw:to", "the xtgtx", "_bw bw:and")
   said in plain language: the words it comes from, where they stand relative to the pair, and what a flag
   means. The feature itself stays one click away (the chip is a <details>). Text only, never HTML. */
"use strict";

(() => {
  const FLAGS = {
    _st: "the source is named before the target",
    _ts: "the target is named before the source",
    _fw: "the source acts on the target",
    _bw: "the target acts on the source",
    _passive: "passive voice (“was … by”)",
    _src_quoted: "the source speaks in a quotation",
    _tgt_quoted: "the target speaks in a quotation",
    _reported: "reported speech: a third actor holds the stance",
    _oth_between: "a third actor stands between them",
    _gap: "many words between them",
    _none: "no two actors close together",
  };
  // the side a "near" word stands on, and the clause a "relation" word comes from
  const PLACES = {
    sl: "before {src}", sr: "after {src}", tl: "before {tgt}", tr: "after {tgt}",
    fw: "between them, {src} acting", bw: "between them, {tgt} acting",
    seg: "in the clause after a third actor", rep: "in what a third actor reports",
    oth: "between them, before a third actor",
  };
  // CAMEO verb tags ("camfw:r19", "camfw:q4"): the class of a verb phrase of the field's verb dictionary
  const CLASSES = { q0: "statement or appeal", q1: "verbal cooperation", q2: "material cooperation",
    q3: "verbal conflict", q4: "material conflict" };
  function cameo(tag) {
    const m = /^(not_)?(?:r(\d\d)|(q\d))$/.exec(tag);
    if (!m) return null;
    const what = m[2] ? `CAMEO root ${m[2]}` : CLASSES[m[3]] || m[3];
    return `${m[1] ? "not " : ""}${what}`;
  }
  const VIEWS = { sentence: "in the sentence", between: "between the two", relation: "between the two", near: "beside an actor" };

  function place(prefix, names) {
    const inner = /^[or](s|t)[lr]$/.test(prefix) ? prefix.slice(1) : prefix;
    const where = PLACES[inner];
    if (!where) return null;
    const side = where.replace("{src}", names.source).replace("{tgt}", names.target);
    return inner !== prefix ? `${side}, facing a third actor` : side;
  }

  function token(t, names) {
    if (t === "xsrcx") return names.source;
    if (t === "xtgtx") return names.target;
    if (t === "xothx") return "another actor";
    if (t.startsWith("neg_")) return `not ${t.slice(4)}`;
    if (t === "pos") return "a positive word";
    if (t === "neg") return "a negative word";
    return t;
  }

  /* {words, where, flags}: what a feature says, for names {source, target} of the pair. */
  function describe(c, sentence, names) {
    const parts = c.feature.split(" ");
    const flags = [], words = [], verbs = [], places = new Set();
    for (const p of parts) {
      if (FLAGS[p]) { flags.push(FLAGS[p]); continue; }
      const v = /^cam([a-z]{2,3}):(.+)$/.exec(p);
      if (v && place(v[1], names) && cameo(v[2])) {
        places.add(place(v[1], names)); verbs.push(cameo(v[2])); continue;
      }
      const m = /^([a-z]{2,3}):(.+)$/.exec(p);
      if (m && place(m[1], names)) { places.add(place(m[1], names)); words.push(token(m[2], names)); continue; }
      words.push(token(p, names));
    }
    const seen = c.spans.length ? c.spans.map(([a, b]) => sentence.slice(a, b)).join(" … ") : "";
    const polarity = parts.some((p) => /:(pos|neg)$/.test(p));
    let text = seen || words.join(" ");
    if (polarity && seen) text = `${seen} (${parts.some((p) => p.endsWith(":neg")) ? "negative" : "positive"} word)`;
    if (verbs.length) text = `${seen || "a verb"} (${verbs.join(", ")})`;
    const where = places.size ? [...places].join("; ") : (words.length ? VIEWS[c.view] || "" : "");
    return { text, where, flags };
  }

  /* The chip: plain words, where they stand, the weight; the feature's internals when opened. */
  function chip(el, fmt, c, dir, sentence, names) {
    const d = describe(c, sentence, names);
    const main = d.text ? `“${d.text}”` : capital(d.flags.join("; "));
    const where = d.text ? [d.where, ...d.flags].filter(Boolean).join("; ") : "";
    const summary = el("summary", {}, el("span", { class: "plain", text: main }),
      where ? el("span", { class: "where", text: where }) : null, el("span", { class: "wt", text: fmt(c.weight) }));
    return el("details", { class: `feat ${dir}` }, summary,
      el("span", { class: "internals", text: `feature ${c.feature} · ${c.view} view · tf-idf ${c.value.toFixed(3)} · weight ${fmt(c.weight)}` }));
  }
  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  window.GeostanceExplain = { describe, chip };
})();
