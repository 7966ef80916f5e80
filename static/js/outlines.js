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
  L.control.layers({}, { "Offline outlines (Natural Earth)": outlines }, { collapsed: true }).addTo(map);
  let errors = 0;
  const show = () => {
    if (!map.hasLayer(outlines)) outlines.addTo(map);
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
