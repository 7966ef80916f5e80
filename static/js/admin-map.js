// Admin's map widgets: the dashboard's offline base (outlines and place names) under the point, and the point as
// numbers, so a curator sees where a click landed and can type coordinates read from a source instead.
(function () {
  "use strict";
  const base = document.currentScript.src.replace(/js\/admin-map\.js.*$/, "");
  const config = { outlines_url: `${base}geo/outlines.geojson`, api: { place_labels: "/api/v1/places/labels/" } };

  function numberInput(labelText, id, min, max) {
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labelText;
    const input = document.createElement("input");
    Object.assign(input, { type: "number", id, min, max, step: "any", inputMode: "decimal" });
    input.className = "vTextField latlon-input";
    return [label, input];
  }

  function pointOf(textarea) {
    try {
      const geometry = JSON.parse(textarea.value || "null");
      return geometry && geometry.type === "Point" ? geometry.coordinates : null;
    } catch {
      return null;
    }
  }

  function setup(map, field, fieldid) {
    import(`${base}js/outlines.js`).then(({ outlinesLayer }) => {
      const outlines = outlinesLayer(map, config);
      // The module arrives after the tiles may already have failed: no tile drawn by then means offline.
      setTimeout(() => {
        if (!map.getContainer().querySelector(".leaflet-tile-loaded")) outlines.show();
      }, 1500);
    });
    const textarea = document.getElementById(fieldid);
    if (!textarea || String(field.options.geom_type || "").toUpperCase() !== "POINT") return;
    const box = document.createElement("div");
    box.className = "latlon";
    const [latLabel, lat] = numberInput("Latitude", `${fieldid}_lat`, -90, 90);
    const [lngLabel, lng] = numberInput("Longitude", `${fieldid}_lng`, -180, 180);
    const note = document.createElement("p");
    note.className = "help";
    note.textContent = "Decimal degrees (WGS 84), e.g. 35.4681 and 44.3922; the map and the numbers follow each other.";
    box.append(latLabel, lat, lngLabel, lng, note);
    map.getContainer().after(box);
    const fromField = () => {
      const point = pointOf(textarea);
      lat.value = point ? point[1].toFixed(5) : "";
      lng.value = point ? point[0].toFixed(5) : "";
    };
    const toField = () => {
      const y = Number.parseFloat(lat.value);
      const x = Number.parseFloat(lng.value);
      if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(y) > 90 || Math.abs(x) > 180) return;
      field.drawnItems.clearLayers();
      field.drawnItems.addLayer(L.marker([y, x]));
      field.store.save(field.drawnItems);
      map.setView([y, x], Math.max(map.getZoom(), 9));
    };
    lat.addEventListener("change", toField);
    lng.addEventListener("change", toField);
    map.on("draw:created draw:edited draw:deleted draw:editmove", () => setTimeout(fromField, 0));
    fromField();
    // Leaflet's widget zooms to the street; a curator checks a point against the towns around it.
    const point = pointOf(textarea);
    if (point) map.setView([point[1], point[0]], 10, { animate: false });
  }

  // The widget's field announces itself (map:loadfield) before the page's map:init event, so the field class is
  // wrapped instead, once the scripts are in and before the maps are made (on window load).
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.L || !L.GeometryField) return;
    const addTo = L.GeometryField.prototype.addTo;
    L.GeometryField.prototype.addTo = function (map) {
      const result = addTo.call(this, map);
      setup(map, this, this.options.fieldid);
      return result;
    };
  });
})();
