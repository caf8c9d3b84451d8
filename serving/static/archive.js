/* geostance page, archive view: GET /v1/archive, /v1/archive/matrix and /v1/archive/series. */
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let loaded = false;
  let info = null;

  function G() { return window.Geostance; }

  function fail(err) {
    if (!(err instanceof G().ApiError)) throw err;
    G().showMessage($("archive-message"), "error", err.title, err.detail);
  }

  async function open() {
    if (loaded) return;
    try {
      info = await G().call("GET", "/v1/archive");
    } catch (err) {
      fail(err);
      return;
    }
    loaded = true;
    G().hideMessage($("archive-message"));
    const span = info.start ? `, ${info.start} to ${info.end}` : ", undated";
    $("archive-info").textContent = `${info.table}: ${info.n_rows.toLocaleString("en")} dyads in ` +
      `${info.n_articles.toLocaleString("en")} articles${span}.`;
    if (info.start) { $("m-start").value = info.start; $("m-end").value = info.end; }
    const options = (select) => {
      select.replaceChildren(...info.actors.map((a) => G().el("option", { value: a.code, text: `${a.name} (${a.code}, ${a.n})` })));
    };
    options($("s-source"));
    options($("s-target"));
    const m = await showMatrix();
    // start with the dyad of the most articles
    let best = null;
    if (m) m.n.forEach((row, i) => row.forEach((n, j) => { if (n > 0 && (!best || n > best.n)) best = { n, i, j }; }));
    if (best) { $("s-source").value = m.actors[best.i]; $("s-target").value = m.actors[best.j]; }
    await showSeries();
  }

  function colour(net) {
    // diverging: oppose (orange) through white to support (blue)
    const t = Math.max(-1, Math.min(1, net));
    const [r, g, b] = t >= 0 ? [29, 78, 216] : [194, 65, 12];
    const a = Math.abs(t);
    const mix = (c) => Math.round(255 + (c - 255) * (0.15 + 0.85 * a));
    return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
  }

  async function showMatrix(event) {
    if (event) event.preventDefault();
    const q = new URLSearchParams({ top: $("m-top").value || "12" });
    if ($("m-start").value) q.set("start", $("m-start").value);
    if ($("m-end").value) q.set("end", $("m-end").value);
    let m;
    try { m = await G().call("GET", `/v1/archive/matrix?${q}`); } catch (err) { fail(err); return; }
    G().hideMessage($("archive-message"));
    const el = G().el;
    const head = el("tr", {}, el("th", { class: "corner", text: "source ↓ target →" }),
      ...m.actors.map((c) => el("th", { scope: "col", title: m.names[c], text: c })));
    const rows = m.actors.map((src, i) => el("tr", {}, el("th", { scope: "row", class: "rowh", title: m.names[src], text: src }),
      ...m.actors.map((tgt, j) => {
        const net = m.net[i][j];
        if (net === null || src === tgt) return el("td", {}, el("span", { class: "cell empty", "aria-hidden": "true", text: src === tgt ? "" : "·" }));
        const n = m.n[i][j];
        const label = `${m.names[src]} toward ${m.names[tgt]}: net ${G().fmt(net)} over ${n} article${n === 1 ? "" : "s"}`;
        // the count beside the net: +1.00 from one article is weaker evidence than +0.86 from seven
        const b = el("button", { type: "button", class: "cell archive-cell", "aria-label": label, title: label, "data-n": n,
          onclick: () => { $("s-source").value = src; $("s-target").value = tgt; showSeries(); } },
        el("span", { class: "net", text: G().fmt(net) }), el("span", { class: "n", text: `n=${n}` }));
        b.style.background = colour(net);
        b.style.color = Math.abs(net) > 0.45 ? "#fff" : "#111827";
        return el("td", {}, b);
      })));
    $("a-matrix").replaceChildren(el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, rows)),
      el("p", { class: "hint", text: "Each cell: net = (support − oppose) / articles, from −1 (all oppose) to +1 (all support), and n, its number of articles (few articles: weak evidence). Select a cell for its series." }));
    return m;
  }

  async function showSeries(event) {
    if (event) event.preventDefault();
    const q = new URLSearchParams({ source: $("s-source").value, target: $("s-target").value, freq: $("s-freq").value });
    let s;
    try { s = await G().call("GET", `/v1/archive/series?${q}`); } catch (err) { fail(err); return; }
    G().hideMessage($("archive-message"));
    const el = G().el;
    const title = el("h3", { text: `${s.source_name} → ${s.target_name}, per ${$("s-freq").selectedOptions[0].text}` });
    if (!s.periods.length) {
      $("a-series").replaceChildren(title, el("p", { class: "hint", text: "No dated article holds this dyad." }));
      return;
    }
    $("a-series").replaceChildren(title, chart(s.periods), table(s.periods));
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function chart(periods) {
    const W = 560, H = 330, L = 44, R = 10, T = 12, netH = 180, gap = 26, cntH = 90;
    const n = periods.length;
    const step = (W - L - R) / n;
    const x = (i) => L + (i + 0.5) * step;
    const y = (v) => T + ((1 - v) / 2) * netH;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Net stance and article counts over ${n} periods` });
    root.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: y(1), y2: y(1) }),
      svg("line", { class: "zero", x1: L, x2: W - R, y1: y(0), y2: y(0) }),
      svg("line", { class: "axis", x1: L, x2: W - R, y1: y(-1), y2: y(-1) }));
    for (const v of [1, 0, -1]) root.append(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, v > 0 ? "+1" : String(v)));
    root.append(svg("text", { x: 2, y: T + 10 }, "net"));
    const dated = periods.map((p, i) => ({ ...p, i })).filter((p) => p.net !== null);
    // runs of consecutive periods with articles: the line and the band break at a period with none
    const runs = [];
    for (const p of dated) {
      const run = runs[runs.length - 1];
      if (run && run[run.length - 1].i === p.i - 1) run.push(p); else runs.push([p]);
    }
    for (const run of runs) {
      if (run.length === 1) {
        const p = run[0];
        root.append(svg("line", { class: "band-line", x1: x(p.i), x2: x(p.i), y1: y(p.net_high), y2: y(p.net_low) }));
        continue;
      }
      const upper = run.map((p) => `${x(p.i)},${y(p.net_high)}`);
      const lower = run.slice().reverse().map((p) => `${x(p.i)},${y(p.net_low)}`);
      root.append(svg("polygon", { class: "band", points: upper.concat(lower).join(" ") }));
      root.append(svg("polyline", { class: "line", points: run.map((p) => `${x(p.i)},${y(p.net)}`).join(" ") }));
    }
    if (dated.length) {
      for (const p of dated) {
        const dot = svg("circle", { cx: x(p.i), cy: y(p.net), r: 3, fill: "#1d4ed8" });
        dot.append(svg("title", {}, `${p.period}: net ${p.net.toFixed(2)} [${p.net_low.toFixed(2)}, ${p.net_high.toFixed(2)}], ${p.n} articles`));
        root.append(dot);
      }
    }
    const top = T + netH + gap;
    const maxN = Math.max(1, ...periods.map((p) => p.n));
    const bw = Math.max(1, Math.min(24, step * 0.7));
    root.append(svg("text", { x: 2, y: top - 5 }, "articles"), svg("text", { x: L - 6, y: top + 10, "text-anchor": "end" }, String(maxN)),
      svg("text", { x: L - 6, y: top + cntH, "text-anchor": "end" }, "0"));
    for (const [i, p] of periods.entries()) {
      let base = top + cntH;
      for (const [key, cls] of [["n_support", "sup"], ["n_oppose", "opp"], ["n_neutral", "neu"]]) {
        const h = (p[key] / maxN) * cntH;
        if (h > 0) {
          const r = svg("rect", { class: cls, x: x(i) - bw / 2, y: base - h, width: bw, height: h });
          r.append(svg("title", {}, `${p.period}: ${p[key]} ${key.slice(2)}`));
          root.append(r);
          base -= h;
        }
      }
    }
    root.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: top + cntH, y2: top + cntH }));
    const every = Math.max(1, Math.ceil(n / 8));
    for (const [i, p] of periods.entries()) {
      if (i % every === 0) root.append(svg("text", { x: x(i), y: H - 6, "text-anchor": "middle" }, p.period.split("/")[0]));
    }
    const legend = [["sup", "support"], ["opp", "oppose"], ["neu", "neutral"]];
    legend.forEach(([cls, label], k) => {
      root.append(svg("rect", { class: cls, x: W - R - 210 + k * 70, y: top - 14, width: 10, height: 10 }),
        svg("text", { x: W - R - 196 + k * 70, y: top - 5 }, label));
    });
    return root;
  }

  function table(periods) {
    const el = G().el;
    const cols = ["period", "n_support", "n_oppose", "n_neutral", "n", "net", "net_low", "net_high"];
    const fmtv = (v) => (v === null ? "–" : typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : String(v));
    return el("details", { class: "data" }, el("summary", { text: "The figures as a table" }),
      el("table", {}, el("thead", {}, el("tr", {}, ...cols.map((c) => el("th", { scope: "col", text: c })))),
        el("tbody", {}, ...periods.map((p) => el("tr", {}, ...cols.map((c) => el("td", { class: c === "period" ? "" : "num", text: fmtv(p[c]) })))))));
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("matrix-form").addEventListener("submit", showMatrix);
    $("series-form").addEventListener("submit", showSeries);
  });
  window.Archive = { open };
})();
