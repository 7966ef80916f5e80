// A place's or an actor's page: its incidents on the map and over time. Brushing opens those days in the timeline.
import { apiParams, getJSON, readConfig } from "./api.js";
import { IncidentMap } from "./incident-map.js";
import { Timeline, normaliseBuckets } from "./timeline.js";

const config = readConfig();
const state = { filters: { ...config.filter }, sel_from: "", sel_to: "" };

const timeline = new Timeline(document.getElementById("timeline"), config, {
  onBrush(from, to) {
    if (!from) return;
    const params = new URLSearchParams({ ...config.filter, date_from: from, date_to: to });
    window.location.assign(`${config.timeline_page}?${params}`);
  },
});

getJSON(`${config.api.timeline}?${apiParams(state, { selection: false, extra: { interval: "month" } })}`)
  .then((data) => timeline.render(normaliseBuckets(data), { interval: "month", selection: null }))
  .catch(() => {
    document.getElementById("timeline").textContent = "The timeline could not be loaded.";
  });

async function start(map) {
  const incidentMap = new IncidentMap(map, config);
  if (config.point) map.setView(config.point, 9, { animate: false });
  let first = true;
  const load = async () => {
    await incidentMap.load(state);
    if (first && !config.point && incidentMap.features.length) {
      first = false;
      const coords = incidentMap.features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
      map.fitBounds(coords, { maxZoom: 10, padding: [20, 20] });
    }
  };
  map.on("zoomend", () => incidentMap.renderIndex());
  await load();
  window.atlas = { map, incidentMap };
}

const existing = window["leafletmapentity-map"];
if (existing) start(existing);
else window.addEventListener("map:init", (event) => start(event.detail.map), { once: true });
