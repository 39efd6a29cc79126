/* dzmount: puts the dzgeo map into the app page — the module of the app's
 * st.components.v2 component (dzgeo/web/mount.py gives its data).
 *
 * Stylesheets and scripts are loaded once per page (Leaflet and dzmap.js stay); the map
 * element goes into a box the app sizes (dzapp.css), the map script runs, and dzmap.js
 * gets dz.report, its way to tell the app the map has drawn (the component's "ready"
 * state; a map that cannot be mounted reports too, so the rest of the page comes).
 * Called again on every run: the same map (data.key) is left as it is — later views
 * reach it through dzmap.view — another one replaces it.
 */

function loaded(tag, attr, url) {
  return document.head.querySelector(tag + "[" + attr + '="' + url + '"]');
}

function stylesheet(href) {
  const known = loaded("link", "href", href);
  if (known) return known._dzLoaded || Promise.resolve();
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link._dzLoaded = new Promise((done) => {
    link.onload = done;
    link.onerror = done; // a missing stylesheet must not keep the map away
  });
  document.head.appendChild(link);
  return link._dzLoaded;
}

function script(src) {
  const known = loaded("script", "src", src);
  if (known) return known._dzLoaded || Promise.resolve();
  const el = document.createElement("script");
  el.src = src;
  el.async = false; // in order: dzmap.js needs Leaflet
  el._dzLoaded = new Promise((done, failed) => {
    el.onload = done;
    el.onerror = () => failed(new Error("地图脚本无法加载：" + src));
  });
  document.head.appendChild(el);
  return el._dzLoaded;
}

function unmount(box) {
  if (window.map && window.map.remove) {
    try {
      window.map.remove();
    } catch (e) {
      /* already gone */
    }
  }
  const dz = window.dzmap || {};
  dz.lastProjects = null;
  dz.viewToken = null;
  window.map = window.feature_group = window.layer_control = undefined;
  if (box) box.remove();
}

async function mount(data, parent) {
  await Promise.all([...data.css.map(stylesheet), ...data.js.map(script)]);
  if (parent._dzWanted !== data.key) return; // a newer map was asked for meanwhile
  unmount(parent.querySelector("." + data.box));
  const box = document.createElement("div");
  box.className = data.box;
  box.dataset.dzKey = data.key;
  box.innerHTML = data.style + data.element;
  parent.appendChild(box);
  const run = document.createElement("script");
  run.textContent = data.script;
  document.body.appendChild(run);
  run.remove();
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const dz = (window.dzmap = window.dzmap || {});
  dz.report = (ask) => setStateValue("ready", ask);
  if (parentElement._dzWanted === data.key) return;
  parentElement._dzWanted = data.key;
  mount(data, parentElement).catch((error) => {
    const note = document.createElement("p");
    note.className = "dz-mount-error";
    note.textContent = String(error.message || error);
    parentElement.appendChild(note);
    // no map will report it has drawn: let the tables and filters come all the same
    const pending = window.dzPendingView;
    if (pending && pending.ask) dz.report(pending.ask);
  });
}
