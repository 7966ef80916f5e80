// The incident page's small map: the incident's point over tiles, or over the offline outlines.
/* global L */
import { readConfig } from "./api.js";
import { radiusFor } from "./incident-map.js";
import { outlinesLayer } from "./outlines.js";

const config = readConfig();

function start(map) {
  const colors = Object.fromEntries(config.event_types.map((e) => [e.value, e.color]));
  outlinesLayer(map, config);
  if (!config.point) return;
  map.setView(config.point, 9, { animate: false });
  L.circleMarker(config.point, {
    className: "incident-marker",
    radius: radiusFor(config.fatalities),
    color: "#1b1b1b",
    weight: 1,
    fillColor: colors[config.event_type] || "#555",
    fillOpacity: 0.9,
  }).addTo(map);
}

const existing = window["leafletmapincident-map"];
if (existing) start(existing);
else window.addEventListener("map:init", (event) => start(event.detail.map), { once: true });

// Long articles scroll inside their box: bring the first evidence sentence of each into view.
for (const body of document.querySelectorAll(".article-body")) {
  const mark = body.querySelector("mark");
  // The box is position: relative, so offsetTop is measured from its top.
  if (mark) body.scrollTop = Math.max(0, mark.offsetTop - 24);
}
