// Draws the waterfall from the JSON block (goalgen/traces/html.py). Only the rows on screen
// exist in the DOM; text from span files is only ever set with textContent.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("trace-data").textContent);
  const F = Object.fromEntries(DATA.fields.map((name, index) => [name, index]));
  const FLAG = DATA.flags;
  const ROW = 24;
  const OVERSCAN = 10;
  const MAX_INDENT = 24;
  const PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79",
    "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
  ];
  const $ = (id) => document.getElementById(id);
  const viewport = $("viewport"), spacer = $("spacer"), layer = $("layer");
  const collapsed = new Set();
  let shown = []; // row list: -(t + 1) is trace t's header, n >= 0 is span n
  let selected = -1;
  let drawn = "";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function colour(service) {
    return PALETTE[service % PALETTE.length];
  }

  function ms(value) {
    if (value === 0) return "0";
    if (value >= 1000) return (value / 1000).toFixed(2) + " s";
    if (value >= 100) return value.toFixed(0) + " ms";
    if (value >= 1) return value.toFixed(1) + " ms";
    return value.toFixed(2) + " ms";
  }

  function plural(count, word) {
    return count.toLocaleString() + " " + word + (count === 1 ? "" : "s");
  }

  function traceOf(spanIndex) {
    let low = 0, high = DATA.traces.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (DATA.traces[mid].first <= spanIndex) low = mid; else high = mid - 1;
    }
    return DATA.traces[low];
  }

  function header() {
    const spans = DATA.spans.length;
    const errors = DATA.traces.reduce((sum, t) => sum + t.errors, 0);
    document.title = "GoalGen traces: " + plural(DATA.traces.length, "trace") + ", " + plural(spans, "span");
    $("summary").textContent = [
      plural(DATA.traces.length, "trace"), plural(spans, "span"), plural(errors, "error"),
      "click a span for its attributes, a trace to fold it",
    ].join(" · ");
    const legend = $("legend");
    DATA.services.forEach((name, index) => {
      const item = el("span", "legend-item");
      const swatch = el("span", "swatch");
      swatch.style.background = colour(index);
      item.append(swatch, el("span", "", name));
      legend.append(item);
    });
    const critical = el("span", "legend-item critical-key");
    critical.append(el("span", "swatch"), el("span", "", "critical path"));
    const error = el("span", "legend-item error-key");
    error.append(el("span", "swatch"), el("span", "", "error"));
    legend.append(critical, error);
  }

  function keeps(span, query, onlyCritical, onlyErrors) {
    if (onlyCritical && !(span[F.flags] & FLAG.critical)) return false;
    if (onlyErrors && !(span[F.flags] & FLAG.error)) return false;
    if (!query) return true;
    return span[F.name].toLowerCase().includes(query) ||
      DATA.services[span[F.service]].toLowerCase().includes(query);
  }

  function rebuild() {
    const query = $("search").value.trim().toLowerCase();
    const onlyCritical = $("only-critical").checked, onlyErrors = $("only-errors").checked;
    shown = [];
    let spans = 0;
    DATA.traces.forEach((trace, t) => {
      shown.push(-(t + 1));
      if (collapsed.has(t)) return;
      const end = trace.first + trace.span_count;
      for (let n = trace.first; n < end; n++) {
        if (keeps(DATA.spans[n], query, onlyCritical, onlyErrors)) {
          shown.push(n);
          spans++;
        }
      }
    });
    $("shown").textContent = plural(spans, "span") + " shown";
    spacer.style.height = shown.length * ROW + "px";
    draw(true);
  }

  function traceRow(t) {
    const trace = DATA.traces[t];
    const row = el("div", "row trace-header");
    row.dataset.trace = t;
    const label = el("div", "label");
    label.append(
      el("span", "toggle", collapsed.has(t) ? "▸" : "▾"),
      el("span", "", "trace " + trace.trace_id.slice(0, 12) + " · " + ms(trace.duration_ms) +
        " · " + plural(trace.span_count, "span")),
    );
    if (trace.errors) label.append(el("span", "trace-errors", " · " + plural(trace.errors, "error")));
    label.append(el("span", "", " · " + trace.services.join(", ")));
    label.title = "trace " + trace.trace_id + " started " + new Date(trace.start_time * 1000).toISOString();
    const timeline = el("div", "timeline");
    for (let i = 0; i <= 4; i++) {
      const tick = el("span", "tick", ms(trace.duration_ms * i / 4));
      tick.style.left = i * 25 + "%";
      timeline.append(tick);
    }
    row.append(label, timeline);
    return row;
  }

  function spanRow(n) {
    const span = DATA.spans[n];
    const trace = traceOf(n);
    const flags = span[F.flags];
    const classes = ["row", "span-row"];
    if (flags & FLAG.critical) classes.push("critical-path");
    if (flags & FLAG.error) classes.push("error");
    if (n === selected) classes.push("selected");
    const row = el("div", classes.join(" "));
    row.dataset.span = n;
    row.dataset.spanId = span[F.span_id];
    const label = el("div", "label");
    const depth = span[F.depth];
    label.style.paddingLeft = 8 + Math.min(depth, MAX_INDENT) * 14 + "px";
    if (depth > MAX_INDENT) label.append(el("span", "depth-tag", "[depth " + depth + "]"));
    label.append(el("span", "mark critical-marker", flags & FLAG.critical ? "◆" : ""));
    if (flags & FLAG.error) label.append(el("span", "mark error-marker", "!"));
    label.append(el("span", "name", span[F.name]));
    label.append(el("span", "service-tag", DATA.services[span[F.service]]));
    const tokens = tokenText(span);
    if (tokens) label.append(el("span", "tokens", tokens));
    if (flags & FLAG.orphan) label.append(el("span", "orphan-tag", "orphan"));
    if (flags & FLAG.cycle) label.append(el("span", "orphan-tag", "parent cycle"));
    const timeline = el("div", "timeline");
    const total = trace.duration_ms || 1;
    const left = Math.max(0, Math.min(100, span[F.offset_ms] / total * 100));
    const width = Math.max(0, Math.min(100 - left, span[F.duration_ms] / total * 100));
    const bar = el("div", "bar");
    bar.style.left = left + "%";
    bar.style.width = width + "%";
    bar.style.backgroundColor = colour(span[F.service]);
    timeline.append(bar);
    const segments = span[F.critical_segments];
    for (let i = 0; i < segments.length; i += 2) {
      const from = Math.max(0, Math.min(100, segments[i] / total * 100));
      const to = Math.max(from, Math.min(100, segments[i + 1] / total * 100));
      const piece = el("div", "critical-segment");
      piece.style.left = from + "%";
      piece.style.width = to - from + "%";
      timeline.append(piece);
    }
    const duration = el("span", "duration", ms(span[F.duration_ms]));
    duration.style.left = left + width + "%";
    timeline.append(duration);
    row.append(label, timeline);
    return row;
  }

  function tokenText(span) {
    const input = span[F.input_tokens], output = span[F.output_tokens];
    if (input === null && output === null) return "";
    const parts = [];
    if (input !== null) parts.push(input.toLocaleString() + " in");
    if (output !== null) parts.push(output.toLocaleString() + " out");
    return parts.join(" · ") + " tokens";
  }

  function draw(force) {
    const from = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
    const to = Math.min(shown.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + OVERSCAN);
    const key = from + ":" + to;
    if (!force && key === drawn) return;
    drawn = key;
    const rows = document.createDocumentFragment();
    for (let r = from; r < to; r++) {
      const row = shown[r] < 0 ? traceRow(-shown[r] - 1) : spanRow(shown[r]);
      row.style.top = r * ROW + "px";
      rows.append(row);
    }
    layer.replaceChildren(rows);
  }

  function detail(table, name, value) {
    if (value === null || value === undefined || value === "") return;
    const line = el("tr");
    line.append(el("th", "", name), el("td", "", String(value)));
    table.append(line);
  }

  function select(n) {
    selected = n;
    const span = DATA.spans[n];
    const trace = traceOf(n);
    $("details-name").textContent = span[F.name];
    const table = $("details-table");
    table.replaceChildren();
    detail(table, "service", DATA.services[span[F.service]]);
    detail(table, "component", span[F.component]);
    detail(table, "kind", span[F.kind]);
    detail(table, "status", span[F.status]);
    detail(table, "duration", ms(span[F.duration_ms]));
    detail(table, "starts at", "+" + ms(span[F.offset_ms]) + " (" + new Date(span[F.start_time] * 1000).toISOString() + ")");
    if (span[F.flags] & FLAG.critical) detail(table, "critical path", ms(span[F.critical_ms]) + " of its own time");
    detail(table, "tokens", tokenText(span));
    const error = span[F.error];
    if (error) detail(table, "error", [error.type, error.message].filter(Boolean).join(": "));
    if (span[F.flags] & FLAG.orphan) detail(table, "orphan", "parent not in the input");
    detail(table, "span id", span[F.span_id]);
    detail(table, "parent id", span[F.parent_span_id]);
    detail(table, "trace id", trace.trace_id);
    const metadata = span[F.metadata];
    $("details-metadata").textContent = Object.keys(metadata).length
      ? JSON.stringify(metadata, null, 2) : "(no attributes)";
    $("details").hidden = false;
    draw(true);
  }

  function reveal(n) {
    const t = DATA.traces.indexOf(traceOf(n));
    if (collapsed.delete(t)) rebuild();
    let r = shown.indexOf(n);
    if (r < 0) {
      $("search").value = "";
      $("only-critical").checked = $("only-errors").checked = false;
      rebuild();
      r = shown.indexOf(n);
    }
    viewport.scrollTop = Math.max(0, r * ROW - viewport.clientHeight / 3);
    draw(true);
  }

  function fromHash() {
    const match = /^#span=([0-9a-f]{16})$/.exec(location.hash);
    if (!match) return;
    const n = DATA.spans.findIndex((span) => span[F.span_id] === match[1]);
    if (n >= 0) {
      reveal(n);
      select(n);
    }
  }

  layer.addEventListener("click", (event) => {
    const row = event.target.closest(".row");
    if (!row) return;
    if (row.dataset.trace !== undefined) {
      const t = Number(row.dataset.trace);
      if (!collapsed.delete(t)) collapsed.add(t);
      rebuild();
    } else {
      select(Number(row.dataset.span));
    }
  });
  viewport.addEventListener("scroll", () => draw(false), { passive: true });
  window.addEventListener("resize", () => draw(true));
  window.addEventListener("hashchange", fromHash);
  $("search").addEventListener("input", rebuild);
  $("only-critical").addEventListener("change", rebuild);
  $("only-errors").addEventListener("change", rebuild);
  $("collapse-all").addEventListener("click", () => {
    DATA.traces.forEach((_, t) => collapsed.add(t));
    rebuild();
  });
  $("expand-all").addEventListener("click", () => {
    collapsed.clear();
    rebuild();
  });
  $("close-details").addEventListener("click", () => {
    $("details").hidden = true;
    selected = -1;
    draw(true);
  });

  header();
  rebuild();
  fromHash();
})();
