// The offline fallback: Iraq and Syria outlines (Natural Earth), added when tiles fail and always in the layer list.
/* global L */

export function outlinesLayer(map, config, { onOffline = () => {} } = {}) {
  const tiles = [];
  map.eachLayer((layer) => {
    if (layer instanceof L.TileLayer) tiles.push(layer);
  });
  // Own pane above the tiles and below the incidents; country fills come first in the file, provinces on top.
  if (!map.getPane("outlines")) map.createPane("outlines").style.zIndex = 250;
  const outlines = L.geoJSON(null, {
    pane: "outlines",
    interactive: false,
    style: (f) =>
      f.properties.level === "country"
        ? { color: "#1d3557", weight: 2, fill: true, fillColor: "#f1efe8", fillOpacity: 1 }
        : { color: "#5c6670", weight: 1, dashArray: "3 3", fill: false },
  });
  const ready = fetch(config.outlines_url)
    .then((r) => r.json())
    .then((data) => {
      outlines.addData(data);
    });
  const labels = labelsLayer(map, config);
  L.control
    .layers(
      {},
      { "Offline outlines (Natural Earth)": outlines, "Place names (GeoNames)": labels.layer },
      { collapsed: true },
    )
    .addTo(map);
  let errors = 0;
  const show = () => {
    if (!map.hasLayer(outlines)) outlines.addTo(map);
    if (!map.hasLayer(labels.layer)) labels.layer.addTo(map);
    labels.load();
    map.getContainer().classList.add("offline");
  };
  for (const tile of tiles) {
    // One failed tile may be a hiccup; several mean we are offline, so draw the outlines instead.
    tile.on("tileerror", () => {
      errors += 1;
      if (errors === 3) {
        show();
        onOffline();
      }
    });
  }
  if (!tiles.length) show();
  return { layer: outlines, ready, show };
}

function insidePolygon([x, y], rings) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** The province outline holding a point, as rings of [lng, lat] (polygons and multipolygons). */
function provinceAround(data, lng, lat) {
  for (const f of data?.features || []) {
    if (f.properties.level !== "admin1") continue;
    const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of polygons) if (insidePolygon([lng, lat], rings)) return rings;
  }
  return null;
}

/**
 * Place names from the gazetteer, drawn by size for the zoom (provinces, then cities, towns and villages), so an
 * offline map can be read: "around Kirkuk" is found by eye. A province's name sits in the middle of its outline,
 * not on its capital (whose own name is drawn there).
 */
export function labelsLayer(map, config, outlines) {
  if (!map.getPane("labels")) {
    const pane = map.createPane("labels");
    pane.style.zIndex = 350; // above the outlines, below the incidents drawn on top of them
    pane.style.pointerEvents = "none";
  }
  const layer = L.layerGroup([], { pane: "labels" });
  let outlineData = null;
  fetch(config.outlines_url)
    .then((r) => r.json())
    .then((data) => (outlineData = data))
    .catch(() => {});
  let controller = null;
  const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const load = async () => {
    if (!map.hasLayer(layer) || !config.api.place_labels) return;
    if (controller) controller.abort();
    controller = new AbortController();
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map((v, i) => Math.max(i % 2 ? -90 : -180, Math.min(i % 2 ? 90 : 180, v)).toFixed(3))
      .join(",");
    try {
      const response = await fetch(`${config.api.place_labels}?bbox=${bbox}&zoom=${map.getZoom()}`, {
        signal: controller.signal,
      });
      const { labels } = await response.json();
      layer.clearLayers();
      for (const label of labels) {
        let at = [label.lat, label.lng ?? label.lon];
        if (label.rank === 0) {
          const rings = provinceAround(outlineData, label.lon, label.lat);
          if (rings) at = L.polygon(rings[0].map(([x, y]) => [y, x])).getBounds().getCenter();
        }
        const icon = L.divIcon({
          className: `place-label place-label-${label.rank}`,
          html: `<span>${escape(label.name)}</span>`,
          iconSize: null,
        });
        layer.addLayer(L.marker(at, { icon, interactive: false, keyboard: false, pane: "labels" }));
      }
      map.getContainer().dataset.labels = String(labels.length);
    } catch (error) {
      if (error.name !== "AbortError") map.getContainer().dataset.labels = "error";
    }
  };
  map.on("moveend", load);
  map.on("overlayadd", (e) => e.layer === layer && load());
  return { layer, load };
}
