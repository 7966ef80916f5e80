// The incident map: server-side clusters when many incidents are in view, individual incidents (clustered in the
// browser with supercluster) when few are. Points are drawn on one canvas so thousands stay fast.
/* global L, Supercluster */
import { apiParams, el, formatNumber, getJSON } from "./api.js";
import { outlinesLayer } from "./outlines.js";

const MAX_INDIVIDUAL = 2000;
const PAGE_SIZE = 1000;

export function radiusFor(fatalities) {
  return Math.min(18, 5 + 2.2 * Math.sqrt(fatalities || 0));
}

export class IncidentMap {
  constructor(map, config, { statusEl = null } = {}) {
    this.map = map;
    this.config = config;
    this.statusEl = statusEl;
    this.colors = Object.fromEntries(config.event_types.map((e) => [e.value, e.color]));
    this.labels = Object.fromEntries(config.event_types.map((e) => [e.value, e.label]));
    this.subLabels = Object.fromEntries(config.event_types.flatMap((e) => e.subs.map((s) => [s.value, s.label])));
    this.renderer = L.canvas({ padding: 0.3 });
    this.layer = L.layerGroup().addTo(map);
    this.highlightLayer = L.layerGroup().addTo(map);
    this.focusLayer = L.layerGroup().addTo(map);
    this.markers = new Map();
    this.features = [];
    this.index = null;
    this.mode = "clusters";
    this.abort = null;
    this.setupBaseLayers();
  }

  setupBaseLayers() {
    this.outlines = outlinesLayer(this.map, this.config, {
      onOffline: () => this.setStatus("Map tiles are unavailable: showing offline outlines."),
    });
  }

  setStatus(text) {
    if (this.statusEl) this.statusEl.textContent = text;
  }

  /**
   * Loads what the state selects around the current view; resolves to {count, fatalities, mode} for the view.
   *
   * Requests cover the view snapped outward to a grid of about two tiles, so small pans and other screen sizes ask
   * for the same URL (the API caches each URL until the data changes), and a pan inside the loaded area needs none.
   */
  async load(state) {
    const zoom = Math.round(this.map.getZoom());
    const bbox = snappedBbox(this.map.getBounds(), zoom);
    const key = `${apiParams(state, { bbox, extra: { zoom } })}`;
    if (key !== this.loadedKey) {
      if (this.abort) this.abort.abort();
      this.abort = new AbortController();
      const { signal } = this.abort;
      const cells = await getJSON(`${this.config.api.clusters}?${key}`, { signal });
      this.cells = cells.features || [];
      const count = this.cells.reduce((s, f) => s + (f.properties.count || 0), 0);
      if (count > 0 && count <= (this.config.max_individual || MAX_INDIVIDUAL)) {
        this.drawIndividual(await this.fetchIndividual(state, bbox, signal));
        this.mode = "incidents";
      } else {
        this.features = [];
        this.drawServerClusters(this.cells);
        this.mode = "clusters";
      }
      this.loadedKey = key;
    } else if (this.mode === "incidents") {
      this.renderIndex();
    }
    this.map.getContainer().dataset.mode = this.mode;
    return { ...this.viewTotals(), mode: this.mode };
  }

  /** Forgets what was loaded, so the next load asks the server again (after new incidents arrived). */
  invalidate() {
    this.loadedKey = null;
  }

  /** Incidents and fatalities inside the visible bounds (for clusters: the cells whose centre is inside). */
  viewTotals() {
    const bounds = this.map.getBounds();
    const inside = (f) => bounds.contains([f.geometry.coordinates[1], f.geometry.coordinates[0]]);
    if (this.mode === "incidents") {
      const shown = this.features.filter(inside);
      return { count: shown.length, fatalities: shown.reduce((s, f) => s + (f.properties.fatalities || 0), 0) };
    }
    const cells = (this.cells || []).filter(inside);
    return {
      count: cells.reduce((s, f) => s + (f.properties.count || 0), 0),
      fatalities: cells.reduce((s, f) => s + (f.properties.fatalities || 0), 0),
    };
  }

  async fetchIndividual(state, bbox, signal) {
    let url = `${this.config.api.incidents}?${apiParams(state, {
      bbox,
      extra: { format: "geojson", page_size: PAGE_SIZE },
    })}`;
    const features = [];
    while (url && features.length < (this.config.max_individual || MAX_INDIVIDUAL)) {
      const page = await getJSON(url, { signal });
      features.push(...(page.features || []));
      url = page.next || (page.links && page.links.next) || null;
    }
    return features.filter((f) => f.geometry && f.geometry.coordinates);
  }

  drawServerClusters(cells) {
    this.clear();
    this.index = null;
    for (const cell of cells) {
      const [lng, lat] = cell.geometry.coordinates;
      const p = cell.properties;
      this.layer.addLayer(
        this.clusterMarker([lat, lng], p.count, p.event_type, () =>
          this.map.setView([lat, lng], Math.min(this.map.getZoom() + 2, this.map.getMaxZoom())),
        ),
      );
    }
  }

  drawIndividual(features) {
    this.features = features;
    this.index = new Supercluster({ radius: 40, maxZoom: 13, minPoints: 3 });
    this.index.load(features);
    this.renderIndex();
  }

  renderIndex() {
    if (!this.index) return;
    this.clear();
    const b = this.map.getBounds().pad(0.2);
    const items = this.index.getClusters(
      [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())],
      Math.round(this.map.getZoom()),
    );
    for (const item of items) {
      const [lng, lat] = item.geometry.coordinates;
      if (item.properties.cluster) {
        const leaves = this.index.getLeaves(item.properties.cluster_id, 200);
        const top = mostCommon(leaves.map((l) => l.properties.event_type));
        const id = item.properties.cluster_id;
        this.layer.addLayer(
          this.clusterMarker([lat, lng], item.properties.point_count, top, () =>
            this.map.setView([lat, lng], Math.min(this.index.getClusterExpansionZoom(id), this.map.getMaxZoom())),
          ),
        );
      } else {
        const marker = this.pointMarker({ id: item.id ?? item.properties.id, ...item.properties }, [lat, lng]);
        this.layer.addLayer(marker);
      }
    }
  }

  /** How many incidents the map stands for right now: cluster counts plus single markers. */
  drawnCount() {
    let n = 0;
    this.layer.eachLayer((layer) => {
      n += layer.incidentCount || 1;
    });
    return n;
  }

  clear() {
    this.layer.clearLayers();
    this.markers.clear();
  }

  clusterMarker(latlng, count, eventType, onClick) {
    const size = Math.round(26 + Math.min(24, 6 * Math.log10(count)));
    const icon = L.divIcon({
      className: "cluster-icon",
      html: `<span style="--c:${this.colors[eventType] || "#555"};--s:${size}px">${formatNumber(count)}</span>`,
      iconSize: [size, size],
    });
    const marker = L.marker(latlng, {
      icon,
      keyboard: true,
      title: `${formatNumber(count)} incidents, mostly ${this.labels[eventType] || "mixed"}: zoom in`,
      alt: `${count} incidents`,
    });
    marker.incidentCount = count;
    marker.on("click", onClick);
    return marker;
  }

  pointMarker(props, latlng, { register = true } = {}) {
    const marker = L.circleMarker(latlng, {
      renderer: this.renderer,
      radius: radiusFor(props.fatalities),
      color: "#1b1b1b",
      weight: 1,
      fillColor: this.colors[props.event_type] || "#555",
      fillOpacity: 0.85,
    });
    marker.incidentId = props.id;
    if (props.id !== undefined && props.id !== null) {
      if (register) this.markers.set(String(props.id), marker);
      // One element per marker: Popup.update() calls a content function again, which would drop the loaded detail.
      let content = null;
      marker.bindPopup(() => (content ||= this.popupContent(props)), {
        maxWidth: 340,
        minWidth: 240,
        // Panned clear of the status line ("Map tiles are unavailable...") at the top of the map.
        autoPanPaddingTopLeft: [20, 72],
      });
      marker.on("popupopen", () => this.fillPopup(marker, props));
    }
    return marker;
  }

  popupContent(props) {
    return el(
      "div",
      { class: "popup", "data-incident": props.id },
      el("p", { class: "popup-loading" }, "Loading incident…"),
    );
  }

  async fillPopup(marker, props) {
    const container = marker.getPopup().getElement()?.querySelector(".popup");
    if (!container || container.dataset.filled) return;
    container.dataset.filled = "1";
    try {
      const detail = await getJSON(this.config.api.incident_detail.replace(/0\/$/, `${props.id}/`));
      // replaceChildren prints a null as the text "null": parts left out (no actors, no summary) are dropped first.
      container.replaceChildren(...this.describe(detail).filter(Boolean));
    } catch (error) {
      container.replaceChildren(el("p", { class: "error" }, `Could not load this incident: ${error.message}`));
    }
    marker.getPopup().update();
  }

  describe(d) {
    const roleWords = this.config?.role_words || {};
    const actors = (d.actors || [])
      .map((a) => {
        if (typeof a === "string") return a;
        const name = a.name || (a.actor && a.actor.name) || "";
        return name && roleWords[a.role] ? `${name} (${roleWords[a.role]})` : name;
      })
      .filter(Boolean);
    const sources = d.sources || d.source_links || d.articles || [];
    const casualties = [
      d.fatalities !== null && d.fatalities !== undefined ? `${d.fatalities} killed` : "fatalities unknown",
      d.injured ? `${d.injured} injured` : null,
      d.missing ? `${d.missing} missing` : null,
    ].filter(Boolean);
    const place = d.location_name || (d.place && d.place.name) || "Unknown place";
    const where = [place, d.admin1, d.country].filter(Boolean).join(", ");
    return [
      el(
        "p",
        { class: "popup-type" },
        el("span", { class: "swatch", style: `--c:${this.colors[d.event_type] || "#555"}` }),
        this.subLabels[d.sub_event_type] || this.labels[d.event_type] || d.event_type,
      ),
      el("p", { class: "popup-meta" }, el("time", { datetime: d.date }, d.date_label || d.date), " · ", where),
      el("p", { class: "popup-casualties" }, casualties.join(", ")),
      actors.length ? el("p", { class: "popup-actors" }, "Actors: ", actors.join("; ")) : null,
      d.summary ? el("p", { class: "popup-summary" }, d.summary) : null,
      sources.length
        ? el(
            "ul",
            { class: "popup-sources", "aria-label": "Sources" },
            sources.slice(0, 6).map((s) => {
              const article = s.article || s;
              const url = article.url || s.url;
              const title = article.title || s.title || url || "Source";
              return el(
                "li",
                {},
                url && /^https?:\/\//i.test(url)
                  ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, title)
                  : title,
              );
            }),
          )
        : el("p", { class: "muted" }, "No source article linked."),
      el("p", {}, el("a", { class: "popup-page", href: this.config.incident_page.replace(/0\/$/, `${d.id}/`) }, "Open the incident page →")),
    ];
  }

  highlight(id, latlng = null) {
    this.highlightLayer.clearLayers();
    if (id === null) return;
    const marker = this.markers.get(String(id));
    const where = marker ? marker.getLatLng() : latlng;
    if (!where) return;
    this.highlightLayer.addLayer(
      L.circleMarker(where, {
        renderer: this.renderer,
        radius: (marker ? marker.getRadius() : 8) + 6,
        color: "#ffbf00",
        weight: 4,
        fill: false,
        interactive: false,
      }),
    );
  }

  /**
   * Opens the popup for an incident chosen in the list, on a marker of its own: the loaded markers may be inside a
   * cluster, or be redrawn by the load that the pan to it starts, which would close a popup bound to them.
   */
  open(feature, { onClose = null } = {}) {
    const id = String(feature.id ?? feature.properties.id);
    const [lng, lat] = feature.geometry.coordinates;
    this.focusLayer.clearLayers();
    const marker = this.pointMarker({ id, ...feature.properties }, [lat, lng], { register: false });
    this.focusLayer.addLayer(marker);
    marker.on("popupclose", () => {
      this.focusLayer.removeLayer(marker);
      if (onClose) onClose();
    });
    marker.on("popupopen", (event) => {
      // Keyboard and screen-reader users land in the popup they asked for, not on <body>.
      const content = event.popup.getElement()?.querySelector(".leaflet-popup-content");
      if (content) {
        content.setAttribute("tabindex", "-1");
        content.setAttribute("role", "dialog");
        content.setAttribute("aria-label", "Incident details (Esc closes)");
        content.focus({ preventScroll: true });
      }
    });
    marker.openPopup();
  }
}

export function snappedBbox(bounds, zoom) {
  const step = (360 / 2 ** zoom) * 2;
  const down = (v) => Math.floor(v / step) * step;
  const up = (v) => Math.ceil(v / step) * step;
  const parts = [
    Math.max(-180, down(bounds.getWest())),
    Math.max(-90, down(bounds.getSouth())),
    Math.min(180, up(bounds.getEast())),
    Math.min(90, up(bounds.getNorth())),
  ];
  return parts.map((v) => Number(v.toFixed(6))).join(",");
}

function mostCommon(values) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
  let best = null;
  let bestCount = -1;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
