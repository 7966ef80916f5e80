// Talking to /api/v1/ and keeping the page state in the URL.

export const FILTER_KEYS = [
  "date_from",
  "date_to",
  "event_type",
  "sub_event_type",
  "actor",
  "place",
  "near",
  "within_km",
  "inside",
  "admin1",
  "country",
  "min_fatalities",
  "min_confidence",
  "status",
  "q",
];
export const MULTI_KEYS = new Set(["event_type", "sub_event_type"]);

export function readConfig(id = "atlas-config") {
  return JSON.parse(document.getElementById(id).textContent);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function describeError(status, body) {
  // DRF answers 400 with {"param": ["message"]} or {"detail": "..."}: show the messages, not the JSON.
  try {
    const data = JSON.parse(body);
    if (typeof data === "string") return data;
    if (data.detail) return String(data.detail);
    return Object.entries(data)
      .map(([key, value]) => `${key}: ${[].concat(value).join(" ")}`)
      .join("; ");
  } catch {
    return `The server answered ${status}.`;
  }
}

export async function getJSON(url, { signal } = {}) {
  const response = await fetch(url, {
    headers: { Accept: "application/json, application/geo+json;q=0.9" },
    credentials: "same-origin",
    signal,
  });
  if (!response.ok) {
    throw new ApiError(response.status, describeError(response.status, await response.text()));
  }
  return response.json();
}

/** The page state: the API filters plus the timeline selection, the map view and the timeline toggle. */
export function stateFromURL(search = window.location.search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const key of FILTER_KEYS) {
    if (MULTI_KEYS.has(key)) {
      filters[key] = params.getAll(key).flatMap((v) => v.split(",")).filter(Boolean);
    } else {
      filters[key] = params.get(key) || "";
    }
  }
  const num = (key) => {
    const value = Number.parseFloat(params.get(key));
    return Number.isFinite(value) ? value : null;
  };
  return {
    filters,
    sel_from: params.get("sel_from") || "",
    sel_to: params.get("sel_to") || "",
    lat: num("lat"),
    lng: num("lng"),
    z: num("z"),
    tl_bbox: params.get("tl_bbox") === "1",
    tl_metric: params.get("tl_metric") === "fatalities" ? "fatalities" : "count",
  };
}

export function stateToURL(state) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = state.filters[key];
    if (MULTI_KEYS.has(key)) for (const v of value || []) params.append(key, v);
    else if (value) params.set(key, value);
  }
  if (state.sel_from) params.set("sel_from", state.sel_from);
  if (state.sel_to) params.set("sel_to", state.sel_to);
  if (state.lat !== null && state.lng !== null && state.z !== null) {
    params.set("lat", state.lat.toFixed(4));
    params.set("lng", state.lng.toFixed(4));
    params.set("z", String(Math.round(state.z)));
  }
  if (state.tl_bbox) params.set("tl_bbox", "1");
  if (state.tl_metric === "fatalities") params.set("tl_metric", "fatalities");
  const query = params.toString();
  return query ? `?${query}` : window.location.pathname;
}

const later = (a, b) => (!a ? b : !b ? a : a > b ? a : b);
const earlier = (a, b) => (!a ? b : !b ? a : a < b ? a : b);

/**
 * API query for the state. `selection` narrows the dates to the timeline selection (the map, list, counts and
 * exports use it; the timeline itself does not, or brushing would zoom the chart into its own selection).
 */
export function apiParams(state, { bbox = null, selection = true, extra = {} } = {}) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = state.filters[key];
    if (MULTI_KEYS.has(key)) {
      if (value && value.length) params.set(key, value.join(","));
    } else if (value) params.set(key, value);
  }
  if (selection && (state.sel_from || state.sel_to)) {
    const from = later(state.filters.date_from, state.sel_from);
    const to = earlier(state.filters.date_to, state.sel_to);
    if (from) params.set("date_from", from);
    if (to) params.set("date_to", to);
  }
  if (bbox) params.set("bbox", bbox);
  for (const [key, value] of Object.entries(extra)) if (value !== null && value !== undefined) params.set(key, value);
  return params;
}

export function bboxOf(map) {
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const parts = [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ];
  return parts.map((v) => v.toFixed(4)).join(",");
}

export function formatNumber(n) {
  return new Intl.NumberFormat("en-GB").format(n);
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  // Text goes in as text nodes: article text is untrusted HTML and must never be parsed.
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
