// "Download PNG": the map as it is on screen (offline outlines, incidents, place names) with its legend and the
// filters that made it, drawn into one image in the browser. Tiles are left out: they are another site's pictures.

function drawSvg(ctx, svg, x, y) {
  return new Promise((resolve) => {
    const copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    const image = new Image();
    image.onload = () => {
      ctx.drawImage(image, x, y, svg.clientWidth || image.width, svg.clientHeight || image.height);
      resolve();
    };
    image.onerror = () => resolve();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
  });
}

export async function mapToPng(map, { legend = [], caption = "", title = "Incident Atlas" } = {}) {
  const container = map.getContainer();
  const box = container.getBoundingClientRect();
  const scale = window.devicePixelRatio || 1;
  const legendHeight = 28 + Math.ceil(legend.length / 3) * 20 + (caption ? 22 : 0);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(box.width * scale);
  canvas.height = Math.round((box.height + legendHeight) * scale);
  const ctx = canvas.getContext("2d");
  ctx.scale(scale, scale);
  ctx.fillStyle = "#f1efe8";
  ctx.fillRect(0, 0, box.width, box.height);
  const at = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left - box.left, r.top - box.top, r.width, r.height];
  };
  // Panes in their stacking order: outlines (SVG), incidents (canvas), then names.
  for (const svg of container.querySelectorAll(".leaflet-pane svg")) {
    const [x, y] = at(svg);
    await drawSvg(ctx, svg, x, y);
  }
  for (const layer of container.querySelectorAll(".leaflet-pane canvas")) {
    const [x, y, w, h] = at(layer);
    ctx.drawImage(layer, x, y, w, h);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const label of container.querySelectorAll(".place-label span")) {
    const [x, y, w, h] = at(label);
    const style = getComputedStyle(label);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#fff";
    ctx.fillStyle = style.color;
    ctx.strokeText(label.textContent, x + w / 2, y + h / 2);
    ctx.fillText(label.textContent, x + w / 2, y + h / 2);
  }
  // The legend and the filters below the map.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, box.height, box.width, legendHeight);
  ctx.textAlign = "left";
  ctx.fillStyle = "#14213d";
  ctx.font = "600 13px system-ui, sans-serif";
  ctx.fillText(title, 10, box.height + 14);
  ctx.font = "12px system-ui, sans-serif";
  legend.forEach(({ label, color }, i) => {
    const x = 10 + (i % 3) * Math.floor((box.width - 20) / 3);
    const y = box.height + 34 + Math.floor(i / 3) * 20;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x + 6, y, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#14213d";
    ctx.fillText(label, x + 18, y);
  });
  if (caption) {
    ctx.fillStyle = "#3e4c59";
    ctx.fillText(caption, 10, box.height + legendHeight - 12);
  }
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}
