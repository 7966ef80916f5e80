// The main page: filters, map, timeline and list share one state that lives in the URL.
import {
  FILTER_KEYS,
  MULTI_KEYS,
  apiParams,
  bboxOf,
  debounce,
  el,
  formatNumber,
  getJSON,
  readConfig,
  stateFromURL,
  stateToURL,
} from "./api.js";
import { IncidentMap } from "./incident-map.js";
import { mapToPng } from "./png-export.js";
import { Timeline, intervalFor, normaliseBuckets } from "./timeline.js";

const config = readConfig();
const form = document.getElementById("filters");
const listEl = document.getElementById("incident-list");
const countsEl = document.getElementById("counts");
const moreButton = document.getElementById("load-more");
const statusEl = document.getElementById("map-status");
const LIST_PAGE = 50;

// What the server ignored in the link (named in the banner) is left out of every request and link the page makes.
function withoutIgnored(s) {
  for (const key of config.ignored || []) {
    if (key in s.filters) s.filters[key] = MULTI_KEYS.has(key) ? [] : "";
    else if (key === "lat" || key === "lng" || key === "z") s.lat = s.lng = s.z = null;
    else if (key in s) s[key] = "";
  }
  return s;
}

let state = withoutIgnored(stateFromURL());
let atlasMap = null;
let timeline = null;
let listNext = null;
let listAbort = null;
let timelineAbort = null;
let seenMaxId = config.max_incident_id || 0;
const pollSince = config.now;
let freshMaxId = 0;
let moving = false;

function incidentPage(id) {
  return config.incident_page.replace(/0\/$/, `${id}/`);
}

function typeLabel(value) {
  for (const e of config.event_types) {
    if (e.value === value) return e.label;
    for (const s of e.subs) if (s.value === value) return s.label;
  }
  return value;
}

function colorOf(value) {
  return config.event_types.find((e) => e.value === value)?.color || "#555";
}

// ---- the form mirrors the state ------------------------------------------------------------------------------

function formToFilters() {
  const data = new FormData(form);
  const filters = {};
  for (const key of FILTER_KEYS) {
    filters[key] = MULTI_KEYS.has(key) ? data.getAll(key).filter(Boolean) : String(data.get(key) || "").trim();
  }
  filters.country = state.filters.country || "";
  // One chosen place, used as the mode says: at it, within N km of it, or inside it (provinces and districts).
  const placeId = document.getElementById("f-place").value;
  const mode = data.get("place_mode") || "near";
  filters.place = placeId && mode === "at" ? placeId : "";
  filters.near = placeId && mode === "near" ? placeId : "";
  filters.inside = placeId && mode === "inside" ? placeId : "";
  filters.within_km = filters.near && filters.within_km !== "25" ? filters.within_km : "";
  return filters;
}

function showPlaceMode(placeId, { area = false, mode = null } = {}) {
  const fieldset = document.getElementById("place-mode");
  fieldset.hidden = !placeId;
  document.getElementById("f-place").value = placeId || "";
  document.getElementById("f-place").dataset.area = area ? "1" : "";
  document.getElementById("f-mode-inside-row").hidden = !area;
  const chosen = mode || (area ? "inside" : "near");
  for (const radio of form.elements.place_mode) radio.checked = radio.value === chosen;
}

function filtersToForm(filters) {
  for (const element of form.elements) {
    if (!element.name || !FILTER_KEYS.includes(element.name)) continue;
    if (element.type === "checkbox") {
      const value = filters[element.name];
      element.checked = Array.isArray(value) ? value.includes(element.value) : value === element.value;
    } else {
      element.value = filters[element.name] || "";
    }
  }
  const placeId = filters.place || filters.near || filters.inside;
  const mode = filters.place ? "at" : filters.inside ? "inside" : "near";
  if (!placeId) document.getElementById("f-place-name").value = "";
  showPlaceMode(placeId, { area: document.getElementById("f-place").dataset.area === "1", mode });
  document.getElementById("f-within-km").value = filters.within_km || "25";
}

// ---- URL -----------------------------------------------------------------------------------------------------

function pushState({ replace = false } = {}) {
  const url = stateToURL(state);
  if (url === window.location.search || (url === window.location.pathname && !window.location.search)) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
}

function updateExports() {
  // Incidents with no map point go with the view's, so the files hold what the list and the timeline count.
  const params = apiParams(state, { bbox: atlasMap ? bboxOf(atlasMap.map) : null, extra: { placeless: "include" } });
  const csv = new URLSearchParams(params);
  csv.set("format", "csv");
  const geojson = new URLSearchParams(params);
  geojson.set("format", "geojson");
  // Without a page size the GeoJSON export streams every match, as the CSV does.
  document.getElementById("export-csv").href = `${config.api.export_csv || config.api.incidents}?${csv}`;
  document.getElementById("export-geojson").href = `${config.api.export_geojson || config.api.incidents}?${geojson}`;
  // An alert keeps the filters, not the map view or the timeline selection.
  document.getElementById("save-alert").href = `${config.alerts_new}?${apiParams({ ...state, sel_from: "", sel_to: "" })}`;
}

// ---- loading -------------------------------------------------------------------------------------------------

const plural = (n, word) => `${formatNumber(n)} ${word}${n === 1 ? "" : "s"}`;

async function refreshMap() {
  if (!atlasMap) return;
  try {
    // What the map cannot draw: incidents of the filter known only to their province or country.
    const placelessParams = apiParams(state, { extra: { placeless: "only" } });
    const [{ count, fatalities, mode }, placeless] = await Promise.all([
      atlasMap.load(state),
      getJSON(`${config.api.summary}?${placelessParams}`).catch(() => ({ count: 0, fatalities: 0 })),
    ]);
    let text = `${plural(count, "incident")} in view · ${formatNumber(fatalities)} killed`;
    if (placeless.count) {
      text += ` · and ${plural(placeless.count, "incident")} with no map point (${formatNumber(placeless.fatalities)} killed), listed below`;
    }
    countsEl.textContent = text;
    document.getElementById("filter-count").textContent =
      `Show ${plural(count + placeless.count, "incident")} · ${formatNumber(fatalities + placeless.fatalities)} killed`;
    countsEl.dataset.count = String(count);
    countsEl.dataset.placeless = String(placeless.count);
    const unplotted = document.getElementById("map-unplotted");
    unplotted.hidden = !placeless.count;
    unplotted.textContent = placeless.count
      ? `${plural(placeless.count, "incident")} in this filter ${placeless.count === 1 ? "has" : "have"} no map point (known only to a province or country): see the list.`
      : "";
    if (!statusEl.textContent.startsWith("Map tiles")) {
      statusEl.textContent = mode === "clusters" && count ? "Zoom in to see individual incidents." : "";
    }
  } catch (error) {
    if (error.name === "AbortError") return;
    statusEl.textContent = `Could not load incidents: ${error.message}`;
  }
}

async function refreshList({ append = false } = {}) {
  if (listAbort) listAbort.abort();
  listAbort = new AbortController();
  const url = append
    ? listNext
    : `${config.api.incidents}?${apiParams(state, {
        bbox: atlasMap ? bboxOf(atlasMap.map) : null,
        extra: { format: "geojson", page_size: LIST_PAGE, ordering: "-date", placeless: "include" },
      })}`;
  if (!url) return;
  try {
    const page = await getJSON(url, { signal: listAbort.signal });
    const features = page.features || [];
    if (!append) listEl.replaceChildren();
    for (const feature of features) listEl.append(listItem(feature));
    const newest = features.find((f) => freshIds.has(Number(f.id ?? f.properties.id)) && f.geometry);
    if (newest && atlasMap) {
      const [lng, lat] = newest.geometry.coordinates;
      atlasMap.highlight(newest.id ?? newest.properties.id, [lat, lng]);
    }
    if (!append && !features.length) listEl.append(el("li", { class: "empty muted" }, "No incidents match this view."));
    listNext = page.next || (page.links && page.links.next) || null;
    moreButton.hidden = !listNext;
    for (const f of features) seenMaxId = Math.max(seenMaxId, Number(f.id ?? f.properties.id) || 0);
  } catch (error) {
    if (error.name === "AbortError") return;
    listEl.replaceChildren(el("li", { class: "error" }, `Could not load the list: ${error.message}`));
  }
}

// Incidents announced by the live stream since the page opened: highlighted in the list and on the map.
const freshIds = new Set();

function listItem(feature) {
  const p = feature.properties || {};
  const id = feature.id ?? p.id;
  const fresh = freshIds.has(Number(id));
  const coords = feature.geometry && feature.geometry.coordinates;
  const region = [p.admin1 && `${p.admin1} province`, config.countries[p.country] || p.country].filter(Boolean);
  const place = p.location_name || p.place_name || (p.place && p.place.name) || region.join(", ") || "Unknown place";
  const deaths = p.fatalities === null || p.fatalities === undefined ? "fatalities unknown" : `${p.fatalities} killed`;
  const item = el(
    "li",
    { class: fresh ? "incident is-new" : "incident", dataset: { id: String(id) } },
    el(
      "button",
      { type: "button", class: "incident-open" },
      // The name starts with what the button does and then says what is visible (voice users say what they see).
      el("span", { class: "visually-hidden" }, coords ? "Show on map: " : "No map point: "),
      el("span", { class: "swatch", style: `--c:${colorOf(p.event_type)}` }),
      el("time", { datetime: p.date }, p.date_label || p.date),
      " ",
      el("strong", {}, typeLabel(p.sub_event_type || p.event_type)),
      el("span", { class: "incident-place" }, ` · ${place} · ${deaths}`),
      p.status === "verified" ? el("span", { class: "badge" }, "verified") : null,
      coords ? null : el("span", { class: "badge badge-nopoint" }, "no map point"),
      fresh ? el("span", { class: "badge badge-new" }, "new") : null,
    ),
    p.summary ? el("p", { class: "incident-summary" }, p.summary) : null,
    el("a", { href: incidentPage(id), class: "incident-link" }, "Details"),
  );
  const latlng = coords ? [coords[1], coords[0]] : null;
  item.addEventListener("mouseenter", () => atlasMap?.highlight(id, latlng));
  item.addEventListener("mouseleave", () => atlasMap?.highlight(null));
  item.addEventListener("focusin", () => atlasMap?.highlight(id, latlng));
  const button = item.querySelector("button");
  button.addEventListener("click", () => {
    if (!atlasMap) return;
    if (!latlng) {
      statusEl.textContent = `No map point: this incident is known only to ${region.join(", ") || "its country"}.`;
      return;
    }
    // On a phone the map is above the list: bring it into view first, or the popup opens off-screen.
    const mapBox = atlasMap.map.getContainer().getBoundingClientRect();
    if (mapBox.top < 0 || mapBox.bottom > window.innerHeight) {
      atlasMap.map.getContainer().scrollIntoView({ block: "start", behavior: "instant" });
    }
    const onClose = () => {
      if (document.activeElement === document.body || atlasMap.map.getContainer().contains(document.activeElement)) {
        // The pan may have reloaded the list: focus this incident's button as it is now.
        const current = listEl.querySelector(`li[data-id="${CSS.escape(String(id))}"] .incident-open`) || button;
        current.focus({ preventScroll: true });
      }
    };
    const target = Math.max(atlasMap.map.getZoom(), 9);
    const center = atlasMap.map.getCenter();
    if (atlasMap.map.getZoom() === target && center.distanceTo(latlng) < 1) {
      atlasMap.open(feature, { onClose });
      return;
    }
    atlasMap.map.setView(latlng, target);
    atlasMap.map.once("moveend", () => setTimeout(() => atlasMap.open(feature, { onClose }), 50));
  });
  return item;
}

async function refreshTimeline() {
  if (timelineAbort) timelineAbort.abort();
  timelineAbort = new AbortController();
  const interval = intervalFor(state.filters.date_from, state.filters.date_to);
  const bbox = state.tl_bbox && atlasMap ? bboxOf(atlasMap.map) : null;
  const params = apiParams(state, { bbox, selection: false, extra: { interval } });
  document.getElementById("timeline-interval").textContent = `(per ${interval})`;
  try {
    const data = await getJSON(`${config.api.timeline}?${params}`, { signal: timelineAbort.signal });
    timeline.render(normaliseBuckets(data), {
      interval,
      selection: [state.sel_from, state.sel_to],
      window: [state.filters.date_from, state.filters.date_to],
      metric: state.tl_metric,
    });
    document.getElementById("timeline-title-metric").textContent =
      state.tl_metric === "fatalities" ? "People killed" : "Incidents";
  } catch (error) {
    if (error.name === "AbortError") return;
    statusEl.textContent = `Could not load the timeline: ${error.message}`;
  }
}

function updateSelectionLabel() {
  const label = document.getElementById("selection-label");
  const clear = document.getElementById("clear-selection");
  if (state.sel_from || state.sel_to) {
    label.textContent = `Selected: ${state.sel_from || "start"} to ${state.sel_to || "end"}`;
    clear.hidden = false;
  } else {
    label.textContent = "";
    clear.hidden = true;
  }
}

// Pending loads are counted on <html data-pending>, so tests (and people) can tell when the view has settled.
let pending = 0;
const loadingEl = document.getElementById("map-loading");
function track(promise) {
  pending += 1;
  document.documentElement.dataset.pending = String(pending);
  // Shown only when a load takes a while, so quick updates do not flicker.
  const timer = setTimeout(() => (loadingEl.hidden = pending === 0), 300);
  promise.finally(() => {
    pending -= 1;
    document.documentElement.dataset.pending = String(pending);
    clearTimeout(timer);
    if (pending === 0) loadingEl.hidden = true;
  });
  return promise;
}

function viewKey(map) {
  return `${bboxOf(map)}/${map.getZoom()}`;
}

function refreshAll({ timelineToo = true } = {}) {
  updateSelectionLabel();
  updateExports();
  track(refreshMap());
  track(refreshList());
  if (timelineToo) track(refreshTimeline());
}

// ---- events --------------------------------------------------------------------------------------------------

function onFiltersChanged() {
  state.filters = formToFilters();
  pushState();
  refreshAll();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  onFiltersChanged();
});
form.addEventListener("change", (event) => {
  if (event.target.id === "f-place-name") return;
  if (event.target.name === "event_type" && !event.target.checked) {
    // Unticking a type drops its sub-types too, or they would keep the type selected through the back door.
    const subs = config.event_types.find((e) => e.value === event.target.value)?.subs || [];
    for (const s of subs) {
      const box = document.getElementById(`f-sub-${s.value}`);
      if (box) box.checked = false;
    }
  }
  onFiltersChanged();
});
const typed = debounce(onFiltersChanged, 400);
for (const id of ["f-q", "f-actor", "f-min-fatalities", "f-within-km"]) document.getElementById(id).addEventListener("input", typed);
document.getElementById("f-reset").addEventListener("click", (event) => {
  event.preventDefault();
  state = { ...stateFromURL(""), lat: state.lat, lng: state.lng, z: state.z };
  filtersToForm(state.filters);
  pushState();
  refreshAll();
});

// Autocomplete: actors by any alias, places by any spelling, both from the API.
const suggestActors = debounce(async (value) => {
  if (value.length < 2) return;
  try {
    const data = await getJSON(`${config.api.actors}?${new URLSearchParams({ q: value, page_size: 10 })}`);
    const list = document.getElementById("actor-options");
    list.replaceChildren(...(data.results || data).map((a) => el("option", { value: a.name })));
  } catch {
    // Suggestions are a convenience: typing the name still filters.
  }
}, 200);
document.getElementById("f-actor").addEventListener("input", (e) => suggestActors(e.target.value.trim()));

let placeChoices = new Map();
const suggestPlaces = debounce(async (value) => {
  if (value.length < 2) return;
  try {
    const data = await getJSON(`${config.api.places}?${new URLSearchParams({ q: value, page_size: 10 })}`);
    const results = data.results || data.features || data;
    placeChoices = new Map();
    const options = results.map((p) => {
      const props = p.properties || p;
      const label = props.label || `${props.name} (${[props.admin1, props.country].filter(Boolean).join(", ")})`;
      placeChoices.set(label, {
        id: String(p.id ?? props.id),
        lat: props.latitude,
        lng: props.longitude,
        area: Boolean(props.is_area),
      });
      return el("option", { value: label });
    });
    document.getElementById("place-options").replaceChildren(...options);
  } catch {
    // As above.
  }
}, 200);
const placeName = document.getElementById("f-place-name");
placeName.addEventListener("input", (e) => {
  const value = e.target.value.trim();
  if (placeChoices.has(value)) {
    const choice = placeChoices.get(value);
    showPlaceMode(choice.id, { area: choice.area });
    onFiltersChanged();
    if (atlasMap && Number.isFinite(choice.lat) && Number.isFinite(choice.lng)) {
      atlasMap.map.setView([choice.lat, choice.lng], choice.area ? 8 : Math.max(atlasMap.map.getZoom(), 9));
    }
  } else if (!value && document.getElementById("f-place").value) {
    showPlaceMode("");
    onFiltersChanged();
  } else suggestPlaces(value);
});

document.getElementById("clear-selection").addEventListener("click", () => {
  state.sel_from = "";
  state.sel_to = "";
  pushState();
  refreshAll();
});

document.getElementById("tl-metric").value = state.tl_metric;
document.getElementById("tl-metric").addEventListener("change", (e) => {
  state.tl_metric = e.target.value;
  pushState();
  track(refreshTimeline());
});

// Date presets: the last 24 hours, 7 days, 30 days or year, up to today.
for (const button of document.querySelectorAll("[data-preset-days]")) {
  button.addEventListener("click", () => {
    const days = Number(button.dataset.presetDays);
    const today = new Date();
    const from = new Date(today.getTime() - days * 86400000);
    const iso = (d) => d.toISOString().slice(0, 10);
    document.getElementById("f-date-from").value = iso(from);
    document.getElementById("f-date-to").value = iso(today);
    onFiltersChanged();
  });
}

document.getElementById("tl-bbox").checked = state.tl_bbox;
document.getElementById("tl-bbox").addEventListener("change", (e) => {
  state.tl_bbox = e.target.checked;
  pushState();
  refreshTimeline();
});

moreButton.addEventListener("click", () => refreshList({ append: true }));

// The map view as a picture, with its legend and the filters written under it.
function filterCaption() {
  const f = state.filters;
  const parts = [];
  if (f.date_from || f.date_to || state.sel_from || state.sel_to) {
    parts.push(`${state.sel_from || f.date_from || "start"} to ${state.sel_to || f.date_to || "today"}`);
  }
  if (f.event_type.length) parts.push(f.event_type.map(typeLabel).join(", "));
  if (f.sub_event_type.length) parts.push(f.sub_event_type.map(typeLabel).join(", "));
  const placeName = document.getElementById("f-place-name").value;
  if (placeName) parts.push(f.inside ? `inside ${placeName}` : f.near ? `within ${f.within_km || 25} km of ${placeName}` : `at ${placeName}`);
  for (const key of ["actor", "admin1", "q"]) if (f[key]) parts.push(`${key === "admin1" ? "province" : key}: ${f[key]}`);
  if (f.min_fatalities) parts.push(`at least ${f.min_fatalities} killed`);
  if (f.status) parts.push("verified only");
  return `${countsEl.textContent}${parts.length ? ` · ${parts.join(" · ")}` : " · all incidents"}`;
}
document.getElementById("export-png").addEventListener("click", async (event) => {
  if (!atlasMap) return;
  const blob = await mapToPng(atlasMap.map, {
    legend: config.event_types.map((e) => ({ label: e.label, color: e.color })),
    caption: filterCaption(),
    title: `Incident Atlas · ${new Date().toISOString().slice(0, 10)} · ${window.location.href}`,
  });
  const link = el("a", { href: URL.createObjectURL(blob), download: "incident-map.png" });
  document.body.append(link);
  link.click();
  link.remove();
  event.target.dataset.done = String(blob.size);
});
document.getElementById("filter-count").addEventListener("click", () => {
  document.getElementById("list-title").scrollIntoView({ block: "start" });
  listEl.querySelector(".incident-open")?.focus({ preventScroll: true });
});

document.getElementById("copy-link").addEventListener("click", async (event) => {
  try {
    await navigator.clipboard.writeText(window.location.href);
    event.target.textContent = "Link copied";
  } catch {
    event.target.textContent = "Copy the address bar";
  }
  setTimeout(() => (event.target.textContent = "Copy link"), 2500);
});

window.addEventListener("popstate", () => {
  state = stateFromURL();
  filtersToForm(state.filters);
  document.getElementById("tl-bbox").checked = state.tl_bbox;
  if (atlasMap && state.lat !== null && state.z !== null) {
    moving = true;
    atlasMap.map.setView([state.lat, state.lng], state.z, { animate: false });
    moving = false;
  }
  refreshAll();
});

// ---- new incidents -------------------------------------------------------------------------------------------

async function poll() {
  if (document.hidden) return;
  // Newest changes first, since the page was rendered (server time, not this computer's clock).
  const params = apiParams(state, {
    extra: { format: "geojson", updated_since: pollSince, ordering: "-updated_at", page_size: 200 },
  });
  try {
    const page = await getJSON(`${config.api.incidents}?${params}`);
    const fresh = (page.features || []).filter((f) => Number(f.id ?? f.properties.id) > seenMaxId);
    freshMaxId = Math.max(freshMaxId, ...fresh.map((f) => Number(f.id ?? f.properties.id)));
    if (fresh.length) {
      const button = document.getElementById("show-new");
      button.textContent = `${fresh.length}${page.next ? "+" : ""} new incident${fresh.length === 1 ? "" : "s"} — show`;
      document.getElementById("new-notice").hidden = false;
    }
  } catch {
    // Polling is best effort; the next round tries again.
  }
}
// Esc closes an open popup wherever the focus is (Leaflet listens only while the map itself has focus).
let openPopup = null;
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && atlasMap && openPopup) atlasMap.map.closePopup();
});

document.getElementById("show-new").addEventListener("click", () => {
  document.getElementById("new-notice").hidden = true;
  seenMaxId = Math.max(seenMaxId, freshMaxId);
  atlasMap?.invalidate();
  refreshAll();
});
setInterval(poll, (config.poll_seconds || 60) * 1000);

// Pushed by the server (server-sent events) the moment an incident is recorded: the view reloads and the new
// incidents that match it are highlighted. The minute poll above stays as the fallback.
function listenLive() {
  if (!("EventSource" in window) || !config.live_url) return;
  const source = new EventSource(config.live_url);
  source.addEventListener("open", () => (document.documentElement.dataset.live = "open"));
  source.addEventListener("incidents", (event) => {
    const ids = (JSON.parse(event.data).ids || []).map(Number);
    if (!ids.length) return;
    for (const id of ids) freshIds.add(id);
    seenMaxId = Math.max(seenMaxId, ...ids);
    document.getElementById("new-notice").hidden = true;
    atlasMap?.invalidate();
    refreshAll();
    const live = document.getElementById("live-status");
    live.textContent = `${ids.length} new incident${ids.length === 1 ? "" : "s"} recorded just now`;
    live.dataset.count = String(Number(live.dataset.count || 0) + ids.length);
  });
}
listenLive();

// On a phone the filters start folded, so the map is on the first screen.
if (window.matchMedia("(max-width: 720px)").matches) document.querySelector(".filters-toggle").open = false;

// ---- start ---------------------------------------------------------------------------------------------------

timeline = new Timeline(document.getElementById("timeline"), config, {
  onBrush(from, to) {
    state.sel_from = from || "";
    state.sel_to = to || "";
    pushState();
    refreshAll({ timelineToo: false });
  },
});

function start(map) {
  atlasMap = new IncidentMap(map, config, { statusEl });
  map.on("popupopen", (event) => (openPopup = event.popup));
  map.on("popupclose", () => (openPopup = null));
  if (config.bbox) {
    // A bbox in the link (minLon,minLat,maxLon,maxLat) is the view it asks for; the URL then keeps lat/lng/z.
    const [west, south, east, north] = config.bbox;
    map.fitBounds([
      [south, west],
      [north, east],
    ], { animate: false });
  } else if (state.lat !== null && state.lng !== null && state.z !== null) {
    map.setView([state.lat, state.lng], state.z, { animate: false });
  } else {
    // Iraq and Syria whole, whatever the screen size.
    map.fitBounds([
      [29.0, 35.6],
      [37.4, 48.6],
    ], { animate: false });
  }
  let lastView = viewKey(map);
  map.on("moveend", () => {
    if (moving) return;
    const c = map.getCenter();
    state.lat = c.lat;
    state.lng = c.lng;
    state.z = map.getZoom();
    // Panning replaces the history entry: back should undo a filter, not every drag.
    pushState({ replace: true });
    const key = viewKey(map);
    if (key === lastView) return;
    lastView = key;
    updateExports();
    track(refreshMap());
    track(refreshList());
    if (state.tl_bbox) track(refreshTimeline());
  });
  window.atlas = { map, incidentMap: atlasMap, timeline, state: () => state };
  if (config.bbox || (config.ignored || []).length) {
    const c = map.getCenter();
    Object.assign(state, { lat: c.lat, lng: c.lng, z: map.getZoom() });
    history.replaceState(null, "", stateToURL(state));
  }
  refreshAll();
}

if (window.leafletmapmap) start(window.leafletmapmap);
else window.addEventListener("map:init", (event) => start(event.detail.map), { once: true });
