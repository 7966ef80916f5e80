// The stacked bar timeline with a brush (d3).
// d3 is the UMD build loaded by a classic script tag: its ES module build imports bare package names.
const { d3 } = window;

const MIN_BUCKETS = 12;
const INTERVALS = {
  day: d3.utcDay,
  week: d3.utcMonday,
  month: d3.utcMonth,
};

export function isoDate(date) {
  return d3.utcFormat("%Y-%m-%d")(date);
}

export function parseDate(value) {
  if (!value) return null;
  const date = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The bucket size for a date window: days up to three months, weeks up to two years, months beyond. */
export function intervalFor(from, to) {
  const start = parseDate(from);
  const end = parseDate(to);
  if (!start || !end) return "month";
  const days = (end - start) / 86400000;
  if (days <= 92) return "day";
  if (days <= 731) return "week";
  return "month";
}

/**
 * Rows of {date, event_type, count, fatalities} from the stats endpoint, whatever nesting it uses:
 * a list, {results: [...]}, {buckets: [...]} and buckets holding a per-type object or list.
 */
export function normaliseBuckets(data) {
  const list = Array.isArray(data) ? data : data.results || data.buckets || data.series || [];
  const rows = [];
  for (const b of list) {
    const date = b.date || b.bucket || b.period || b.start;
    if (b.event_type) {
      rows.push({ date, event_type: b.event_type, count: b.count || 0, fatalities: b.fatalities || 0 });
      continue;
    }
    const byType = b.by_event_type || b.event_types || b.types;
    if (Array.isArray(byType)) {
      for (const t of byType) {
        rows.push({ date, event_type: t.event_type, count: t.count || 0, fatalities: t.fatalities || 0 });
      }
    } else if (byType && typeof byType === "object") {
      for (const [type, v] of Object.entries(byType)) {
        const count = typeof v === "number" ? v : v.count || 0;
        rows.push({ date, event_type: type, count, fatalities: typeof v === "number" ? 0 : v.fatalities || 0 });
      }
    } else {
      rows.push({ date, event_type: "other", count: b.count || 0, fatalities: b.fatalities || 0 });
    }
  }
  return rows.filter((r) => parseDate(r.date));
}

export class Timeline {
  constructor(container, config, { onBrush }) {
    this.container = container;
    this.types = config.event_types;
    this.onBrush = onBrush;
    this.margin = { top: 8, right: 12, bottom: 22, left: 40 };
    this.svg = d3.select(container).append("svg").attr("class", "timeline-svg").attr("aria-hidden", "true");
    this.barsG = this.svg.append("g").attr("class", "bars");
    this.xAxisG = this.svg.append("g").attr("class", "axis axis-x");
    this.yAxisG = this.svg.append("g").attr("class", "axis axis-y");
    this.brushG = this.svg.append("g").attr("class", "brush");
    this.empty = d3.select(container).append("p").attr("class", "timeline-empty muted").text("No incidents.");
    this.rows = [];
    this.interval = "month";
    this.selection = null;
    this.silent = false;
    // What the bars measure: "count" (incidents) or "fatalities" (people reported killed).
    this.metric = "count";
    new ResizeObserver(() => this.draw()).observe(container);
  }

  render(rows, { interval, selection, window: range = null, metric = "count" }) {
    this.metric = metric === "fatalities" ? "fatalities" : "count";
    this.range = range;
    this.rows = rows;
    this.interval = interval;
    this.selection = selection;
    this.draw();
  }

  draw() {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight || 160;
    if (!width) return;
    const { top, right, bottom, left } = this.margin;
    this.svg.attr("viewBox", `0 0 ${width} ${height}`).attr("width", width).attr("height", height);
    const step = INTERVALS[this.interval] || d3.utcMonth;
    const keys = this.types.map((t) => t.value);
    const byDate = d3.rollup(
      this.rows,
      (v) => Object.fromEntries(keys.map((k) => [k, d3.sum(v.filter((r) => r.event_type === k), (r) => r[this.metric])])),
      (r) => +step.floor(parseDate(r.date)),
    );
    const table = [...byDate.entries()].map(([t, counts]) => ({ date: new Date(t), ...counts })).sort((a, b) => a.date - b.date);
    this.empty.style("display", table.length ? "none" : null);
    this.svg.style("display", table.length ? null : "none");
    if (!table.length) {
      this.x = null;
      return;
    }
    let start = table[0].date;
    let end = step.offset(table.at(-1).date, 1);
    // The chosen date window is the axis, even where it holds no incidents.
    const [windowFrom, windowTo] = (this.range || []).map(parseDate);
    if (windowFrom && step.floor(windowFrom) < start) start = step.floor(windowFrom);
    if (windowTo && step.offset(step.floor(windowTo), 1) > end) end = step.offset(step.floor(windowTo), 1);
    // A few buckets alone would each span the whole width; show at least MIN_BUCKETS, data in the middle.
    const missing = MIN_BUCKETS - step.count(start, end);
    if (missing > 0) {
      start = step.offset(start, -Math.floor(missing / 2));
      end = step.offset(end, Math.ceil(missing / 2));
    }
    const x = d3.scaleUtc().domain([start, end]).range([left, width - right]);
    const maxY = d3.max(table, (d) => d3.sum(keys, (k) => d[k])) || 1;
    const y = d3.scaleLinear().domain([0, maxY]).nice().range([height - bottom, top]);
    const series = d3.stack().keys(keys)(table);
    const color = Object.fromEntries(this.types.map((t) => [t.value, t.color]));
    const label = Object.fromEntries(this.types.map((t) => [t.value, t.label]));
    const fmt = this.interval === "month" ? d3.utcFormat("%b %Y") : d3.utcFormat("%d %b %Y");
    const barWidth = (d) => Math.max(1, x(step.offset(d.data.date, 1)) - x(d.data.date) - 1);
    this.barsG
      .selectAll("g.series")
      .data(series, (s) => s.key)
      .join("g")
      .attr("class", "series")
      .attr("fill", (s) => color[s.key])
      .selectAll("rect")
      .data((s) => s.map((d) => Object.assign(d, { key: s.key })))
      .join("rect")
      .attr("x", (d) => x(d.data.date))
      .attr("width", barWidth)
      .attr("y", (d) => y(d[1]))
      .attr("height", (d) => Math.max(0, y(d[0]) - y(d[1])))
      .selectAll("title")
      .data((d) => [d])
      .join("title")
      .text((d) => `${fmt(d.data.date)}: ${d.data[d.key]} ${this.metric === "fatalities" ? "killed in " : ""}${label[d.key]}`);
    this.xAxisG.attr("transform", `translate(0,${height - bottom})`).call(d3.axisBottom(x).ticks(Math.max(2, width / 90)));
    this.yAxisG.attr("transform", `translate(${left},0)`).call(d3.axisLeft(y).ticks(Math.min(4, maxY), maxY >= 10000 ? "~s" : ",d"));
    this.x = x;
    this.step = step;
    const total = d3.sum(table, (d) => d3.sum(keys, (k) => d[k]));
    const busiest = d3.greatest(table, (d) => d3.sum(keys, (k) => d[k]));
    const noun = this.metric === "fatalities" ? "people killed" : "incidents";
    this.container.dataset.total = String(total);
    this.container.setAttribute(
      "aria-label",
      `${total} ${noun} from ${fmt(table[0].date)} to ${fmt(table.at(-1).date)}; ` +
        `most in ${fmt(busiest.date)} (${d3.sum(keys, (k) => busiest[k])}).`,
    );
    const brush = d3
      .brushX()
      .extent([
        [left, top],
        [width - right, height - bottom],
      ])
      .on("end", (event) => this.brushed(event));
    this.brush = brush;
    this.brushG.call(brush);
    this.silent = true;
    const sel = this.selection;
    if (sel && (sel[0] || sel[1])) {
      const a = x(parseDate(sel[0]) || start);
      const b = x(step.offset(step.floor(parseDate(sel[1]) || d3.utcDay.offset(end, -1)), 1));
      this.brushG.call(brush.move, [Math.max(left, a), Math.min(width - right, b)]);
    } else {
      this.brushG.call(brush.move, null);
    }
    this.silent = false;
  }

  brushed(event) {
    if (this.silent || !event.sourceEvent) return;
    if (!event.selection) {
      this.onBrush(null, null);
      return;
    }
    const [a, b] = event.selection.map(this.x.invert);
    // Snap to whole buckets, so the chart and the filtered list agree on what is selected.
    const from = this.step.round(a);
    let to = this.step.round(b);
    if (+to <= +from) to = this.step.offset(from, 1);
    this.onBrush(isoDate(from), isoDate(d3.utcDay.offset(to, -1)));
  }
}
