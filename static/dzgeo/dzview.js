/* dzview: the line above the map, and each run's view update handed to the map — the
 * module of the app's view component (st.components.v2, drawn just before the map's;
 * its data is the object of dzgeo.web.live.packed_update plus ``line``, the segments of
 * dzgeo.web.summary: JSON, never markup, put into the page as text).
 * Before the map is there the update is kept, and the map takes it when it has loaded
 * (dzmap.pullView).
 */
function showLine(parent, segments) {
  let p = parent.querySelector(".dz-summary");
  if (!p) {
    p = document.createElement("p");
    p.className = "dz-summary";
    parent.appendChild(p);
  }
  const nodes = (segments || []).map(([text, bold]) => {
    if (text === "\n") return document.createElement("br");
    if (!bold) return document.createTextNode(text);
    const b = document.createElement("b");
    b.textContent = text;
    return b;
  });
  p.replaceChildren(...nodes);
}

export default function (component) {
  const { data, parentElement } = component;
  showLine(parentElement, data.line);
  window.dzPendingView = data;
  const dz = window.dzmap;
  if (dz && dz.view) dz.view(data);
}
