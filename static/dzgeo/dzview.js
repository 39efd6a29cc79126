/* dzview: hands each run's view update to the map — the module of the app's view
 * component (st.components.v2, drawn just before the map's; its data is the object of
 * dzgeo.web.live.packed_update: JSON, never markup). Before the map is there the update
 * is kept, and the map takes it when it has loaded (dzmap.pullView).
 */
export default function (component) {
  const update = component.data;
  window.dzPendingView = update;
  const dz = window.dzmap;
  if (dz && dz.view) dz.view(update);
}
