/* dzlabels: label placement with collision handling for the dzgeo map (needs dzmap.js).
 *
 * Every label (.dz-lbl inside a 0x0 Leaflet marker icon in the dzLabel pane) is measured
 * in screen pixels and put at the first candidate spot around its anchor that overlaps
 * no placed label, no project cluster or marker, no zone symbol and no map control (the
 * legend among them), and lies inside the map; a label with no free spot is hidden.
 * Priority order: county names, then their 多点突破 priorities (the second line of a
 * county label, dropped first), the city-level anchor, zone labels, route labels.
 * Runs again after every move, zoom, layer change (cluster redraws), resize and change
 * of the controls (a legend folded, a layer control rebuilt). The map's container says
 * where placement stands: ``data-dz-labels-state`` is "pending" from the moment anything
 * that moves a label or an obstacle starts (a zoom, a pan, a redraw) until the labels
 * are placed again ("placed"); ``data-dz-labels`` counts the placements. While the map
 * is still animating no placement is made (the end of the animation triggers one).
 */
(function () {
  "use strict";
  var dz = (window.dzmap = window.dzmap || {});
  var KINDS = ["dz-label-county", "dz-label-anchor", "dz-label-zone", "dz-label-route"];
  var OBSTACLES = ".dz-cl > div, .dz-pt span, .dz-sym, .leaflet-control, .dz-notice";
  var PAD = 1; // pixels kept free around every label

  function kindOf(el) {
    for (var k = 0; k < KINDS.length; k++) if (el.classList.contains(KINDS[k])) return k;
    return KINDS.length;
  }

  function rectOf(el) {
    var r = el.getBoundingClientRect();
    return { l: r.left, t: r.top, r: r.right, b: r.bottom };
  }

  function hits(a, list) {
    for (var i = 0; i < list.length; i++) {
      var b = list[i];
      if (a.l < b.r + PAD && a.r > b.l - PAD && a.t < b.b + PAD && a.b > b.t - PAD) return true;
    }
    return false;
  }

  /** Top-left offsets (from the anchor) to try for a w x h label of kind ``kind``. */
  function candidates(kind, w, h) {
    var out = [];
    if (kind === 3) {
      // routes: on the line first, then just off it
      out.push([-w / 2, -h / 2], [-w / 2, -h - 6], [-w / 2, 6], [8, -h / 2], [-w - 8, -h / 2]);
      return out;
    }
    if (kind === 2) {
      out.push([12, -h - 2], [12, -h / 2], [12, 2], [-w - 12, -h / 2], [-w / 2, 10], [-w / 2, -h - 10]);
      [22, 34].forEach(function (g) {
        out.push([g, -h / 2], [-w - g, -h / 2], [-w / 2, g], [-w / 2, -h - g], [g * 0.7, g * 0.7],
          [-w - g * 0.7, -h - g * 0.7], [g * 0.7, -h - g * 0.7], [-w - g * 0.7, g * 0.7]);
      });
      return out;
    }
    // counties and the city-level anchor: close around the anchor first, then farther out
    [14, 22, 30, 40, 52].forEach(function (g) {
      out.push(
        [-w / 2, g],
        [-w / 2, -h - g],
        [g, -h / 2],
        [-w - g, -h / 2],
        [g * 0.7, g * 0.7],
        [-w - g * 0.7, g * 0.7],
        [g * 0.7, -h - g * 0.7],
        [-w - g * 0.7, -h - g * 0.7]
      );
    });
    return out;
  }

  function place(item, short, placed, inside) {
    var el = item.el;
    el.classList.toggle("dz-short", short);
    var w = el.offsetWidth;
    var h = el.offsetHeight;
    var spots = candidates(item.kind, w, h);
    for (var i = 0; i < spots.length; i++) {
      var x = item.ax + spots[i][0];
      var y = item.ay + spots[i][1];
      var box = { l: x, t: y, r: x + w, b: y + h };
      if (box.l < inside.l || box.t < inside.t || box.r > inside.r || box.b > inside.b) continue;
      if (hits(box, placed)) continue;
      el.style.transform = "translate(" + spots[i][0].toFixed(1) + "px," + spots[i][1].toFixed(1) + "px)";
      el.style.visibility = "";
      el.removeAttribute("data-dz-hidden");
      return box;
    }
    return null;
  }

  function hide(el) {
    el.style.visibility = "hidden";
    el.setAttribute("data-dz-hidden", "1");
  }

  /** Place every label of ``map`` now (see the file's comment). */
  dz.placeLabels = function (map) {
    var root = map.getContainer();
    if (moving(map)) return; // the animation's end places them (zoomend / moveend)
    if (settling(map)) return; // ... or the end of the markers' CSS transitions
    // labels and zone symbols added while the map was being fitted can hold positions of
    // an earlier pixel origin (seen in the app's frame): put every such marker back first
    map.eachLayer(function (layer) {
      var pane = layer.options && layer.options.pane;
      if (layer instanceof L.Marker && layer._icon && (pane === "dzLabel" || pane === "dzZone")) layer.update();
    });
    var frame = rectOf(root);
    var inside = { l: frame.l + 2, t: frame.t + 2, r: frame.r - 2, b: frame.b - 2 };
    var placed = [];
    Array.prototype.forEach.call(root.querySelectorAll(OBSTACLES), function (el) {
      if (!el.offsetWidth && !el.offsetHeight) return;
      placed.push(rectOf(el));
    });
    Array.prototype.forEach.call(document.querySelectorAll(".dz-page-head"), function (el) {
      placed.push(rectOf(el));
    });
    var items = [];
    Array.prototype.forEach.call(root.querySelectorAll(".dz-lbl"), function (el) {
      var anchor = el.parentNode.getBoundingClientRect();
      items.push({ el: el, kind: kindOf(el), ax: anchor.left, ay: anchor.top, box: null });
    });
    items.sort(function (a, b) {
      return a.kind - b.kind;
    });
    var counties = items.filter(function (it) {
      return it.kind === 0;
    });
    // 1. county names (short form), 2. their priorities, 3. everything else in order
    counties.forEach(function (it) {
      it.box = place(it, true, placed, inside);
      if (it.box) placed.push(it.box);
      else hide(it.el);
    });
    counties.forEach(function (it) {
      if (!it.box || !it.el.querySelector("small")) return;
      var others = placed.filter(function (b) {
        return b !== it.box;
      });
      var full = place(it, false, others, inside);
      if (full) {
        placed[placed.indexOf(it.box)] = full;
        it.box = full;
      } else {
        place(it, true, others, inside); // back where the name was free
      }
    });
    items.forEach(function (it) {
      if (it.kind === 0) return;
      it.box = place(it, false, placed, inside) || (it.el.querySelector("small") && place(it, true, placed, inside));
      if (it.box) placed.push(it.box);
      else hide(it.el);
    });
    map._dzPlacements = (map._dzPlacements || 0) + 1;
    root.setAttribute("data-dz-labels", String(map._dzPlacements));
    root.setAttribute("data-dz-labels-state", "placed");
  };

  /** Whether ``map`` is zooming, panning or flying right now (between Leaflet's
   * movestart/zoomstart and moveend). */
  function moving(map) {
    return !!(map._dzInMotion || map._animatingZoom || (map._panAnim && map._panAnim._inProgress));
  }

  /** Whether markers are still sliding (Leaflet's zoom transition on its icons outlasts
   * the zoom's own end by a few frames); if so, place again once they have stopped. */
  function settling(map) {
    var pane = map.getPane("mapPane");
    if (!pane || !pane.getAnimations) return false;
    var running = pane.getAnimations({ subtree: true }).filter(function (a) {
      return a.playState === "running" || a.playState === "pending";
    });
    if (!running.length) return false;
    Promise.all(
      running.map(function (a) {
        return a.finished.catch(function () {}); // a cancelled transition ends it too
      })
    ).then(function () {
      dz.scheduleLabels(map);
    });
    return true;
  }

  function pending(map) {
    map.getContainer().setAttribute("data-dz-labels-state", "pending");
  }

  /** Re-place the labels of ``map`` on the next frame (many triggers, one placement). */
  dz.scheduleLabels = function (map) {
    pending(map);
    if (map._dzLabelFrame) return;
    map._dzLabelFrame = requestAnimationFrame(function () {
      map._dzLabelFrame = null;
      if (map._loaded) dz.placeLabels(map);
    });
  };

  dz.watchLabels = function (map) {
    var again = function () {
      dz.scheduleLabels(map);
    };
    map.on("layeradd layerremove zoomend moveend resize overlayadd overlayremove", again);
    map.on("zoomstart movestart", function () {
      map._dzInMotion = true;
      pending(map);
    });
    map.on("moveend", function () {
      map._dzInMotion = false;
    });
    // a font that finishes loading changes the labels' sizes (asking for fonts.ready
    // instead would recompute the page's style while the map is being made: ~12 ms)
    var fonts = document.fonts;
    if (fonts && fonts.addEventListener) {
      fonts.addEventListener("loadingdone", again);
      map.on("unload", function () {
        fonts.removeEventListener("loadingdone", again); // the app replaced this map
      });
    }
    // a control that comes, goes or changes size (the legend folded, the layer control
    // rebuilt by a rerun, a notice) fires no map event
    if (window.MutationObserver) {
      var corners = map.getContainer().querySelector(".leaflet-control-container");
      if (corners) {
        new MutationObserver(again).observe(corners, {
          childList: true,
          subtree: true,
          attributes: true,
          attributeFilter: ["class", "style"],
        });
      }
    }
    return map;
  };
})();
