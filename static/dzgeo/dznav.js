/* dznav: navigation of the dzgeo map (needs dzmap.js).
 *
 * - The mouse wheel scrolls the page; it zooms the map only once the map has focus (a
 *   click on it) or with Ctrl held; a hint says so.
 * - A 全市 button fits the whole city (left of the legend and the layer control).
 * - The map's position is kept in the page URL as ``map=<zoom>/<lat>/<lon>`` (replaced
 *   in place, so it adds no history entry and reruns nothing); a copied URL opens there.
 *   The URL belongs to the page around the map's frame (Streamlit) when it is reachable.
 * - A notice appears when basemap tiles fail to load (offline, a wrong 天地图 key).
 */
(function () {
  "use strict";
  var dz = (window.dzmap = window.dzmap || {});
  var PARAM = "map";

  /** The window whose URL the user sees (the Streamlit page, else this page). */
  function topWindow() {
    try {
      if (window.parent && window.parent !== window && window.parent.location.href) return window.parent;
    } catch (e) {
      /* another origin: keep our own URL */
    }
    return window;
  }

  /** ``map=z/lat/lon`` of the URL as {zoom, center}, or null. */
  dz.readPosition = function (search) {
    var m = /(?:^|[?&])map=([0-9.]+)\/(-?[0-9.]+)\/(-?[0-9.]+)/.exec(search || "");
    if (!m) return null;
    var zoom = Number(m[1]);
    var lat = Number(m[2]);
    var lon = Number(m[3]);
    if (!isFinite(zoom) || !isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 85 || Math.abs(lon) > 180) return null;
    return { zoom: zoom, center: [lat, lon] };
  };

  function positionText(map) {
    var c = map.getCenter();
    return map.getZoom().toFixed(2).replace(/\.?0+$/, "") + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
  }

  /** ``url`` with its map parameter set to ``value`` (others kept, in order). */
  function withParam(url, value) {
    var u = new URL(url, "http://x/");
    var keep = u.search
      .replace(/^\?/, "")
      .split("&")
      .filter(function (p) {
        return p && p.split("=")[0] !== PARAM;
      });
    if (value) keep.push(PARAM + "=" + value);
    var search = keep.length ? "?" + keep.join("&") : "";
    return url.replace(/^([^?#]*)(\?[^#]*)?/, "$1" + search);
  }

  /** Keep the map parameter in every URL the page writes (Streamlit rewrites the query
   * on a filter change); installed once per page, reading the latest position. */
  function keepParamInHistory(win) {
    if (win.__dzHistoryKept) return;
    win.__dzHistoryKept = true;
    ["pushState", "replaceState"].forEach(function (name) {
      var original = win.history[name];
      win.history[name] = function (state, title, url) {
        if (url != null && win.__dzMapParam) url = withParam(String(url), win.__dzMapParam);
        return original.call(win.history, state, title, url);
      };
    });
  }

  function syncUrl(map) {
    var win = topWindow();
    var value = map._dzMoved ? positionText(map) : ""; // the whole city needs no parameter
    win.__dzMapParam = value;
    keepParamInHistory(win);
    var url = withParam(win.location.href, value);
    if (url !== win.location.href) win.history.replaceState(win.history.state, "", url);
  }

  /** Fit the city into the part of the map that controls do not cover. */
  dz.fitCity = function (map, animate) {
    var bounds = map._dzCity;
    if (!bounds) return;
    var root = map.getContainer().getBoundingClientRect();
    var right = 10;
    Array.prototype.forEach.call(map.getContainer().querySelectorAll(".leaflet-right .leaflet-control"), function (el) {
      var r = el.getBoundingClientRect();
      if (r.width && r.top - root.top < root.height * 0.8) right = Math.max(right, root.right - r.left + 10);
    });
    right = Math.min(right, root.width * 0.55);
    var top = 10;
    Array.prototype.forEach.call(document.querySelectorAll(".dz-page-head"), function (el) {
      top = Math.max(top, el.getBoundingClientRect().bottom - root.top + 6);
    });
    map._dzFitting = true;
    map.fitBounds(bounds, { paddingTopLeft: [50, top], paddingBottomRight: [right, 10], animate: !!animate });
    map._dzFitting = false;
  };

  function cityButton(map) {
    var Control = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "leaflet-bar dz-home");
        var a = L.DomUtil.create("a", "", div);
        a.href = "#";
        a.role = "button";
        a.title = "显示全市";
        a.textContent = "全市";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.on(a, "click", function (e) {
          L.DomEvent.preventDefault(e);
          map._dzMoved = false;
          dz.fitCity(map, true);
        });
        return div;
      },
    });
    return new Control().addTo(map);
  }

  function hint(map, text) {
    var root = map.getContainer();
    var el = root.querySelector(".dz-hint");
    if (!el) {
      el = L.DomUtil.create("div", "dz-hint", root);
    }
    el.textContent = text;
    el.classList.add("dz-show");
    clearTimeout(map._dzHintTimer);
    map._dzHintTimer = setTimeout(function () {
      el.classList.remove("dz-show");
    }, 1400);
  }

  function cooperativeWheel(map) {
    var root = map.getContainer();
    map.scrollWheelZoom.disable();
    L.DomEvent.on(root, "focus", function () {
      map.scrollWheelZoom.enable();
    });
    L.DomEvent.on(root, "blur", function () {
      map.scrollWheelZoom.disable();
    });
    map.on("mousedown", function () {
      if (!map.scrollWheelZoom.enabled()) map.scrollWheelZoom.enable();
    });
    root.addEventListener(
      "wheel",
      function (e) {
        if (map.scrollWheelZoom.enabled()) return; // Leaflet's handler zooms
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          var step = e.deltaY < 0 ? 0.5 : -0.5;
          map.setZoomAround(map.mouseEventToContainerPoint(e), map.getZoom() + step);
          return;
        }
        hint(map, "滚动页面中；缩放地图请先点击地图，或按住 Ctrl 滚动");
      },
      { passive: false }
    );
  }

  function tileNotice(map) {
    var failed = 0;
    var shown = null;
    function onError() {
      failed += 1;
      if (shown || failed < 2) return;
      shown = L.control({ position: "bottomleft" });
      shown.onAdd = function () {
        var div = L.DomUtil.create("div", "dz-notice");
        div.setAttribute("role", "status");
        div.textContent = "底图加载失败（未联网、网络受限或天地图密钥无效），仅显示规划图层";
        return div;
      };
      shown.addTo(map);
      map.getContainer().setAttribute("data-dz-tiles", "failed");
    }
    map.on("layeradd", function (e) {
      if (e.layer instanceof L.TileLayer && !e.layer._dzWatched) {
        e.layer._dzWatched = true;
        e.layer.on("tileerror", onError);
      }
    });
  }

  /** Set up navigation: called by dzmap.setup with its options (``city`` bounds). */
  dz.navigation = function (map, opts) {
    opts = opts || {};
    if (opts.city) map._dzCity = L.latLngBounds(opts.city);
    cooperativeWheel(map);
    tileNotice(map);
    cityButton(map);
    // the reader moved the map (not a fit by the page): from now on its position is kept
    var moved = function () {
      map._dzMoved = true;
    };
    map.on("dragstart dblclick boxzoomend", moved);
    var root = map.getContainer();
    root.addEventListener("keydown", moved);
    root.addEventListener("wheel", function (e) {
      if (map.scrollWheelZoom.enabled() || e.ctrlKey || e.metaKey) moved();
    });
    Array.prototype.forEach.call(root.querySelectorAll(".leaflet-control-zoom a"), function (a) {
      a.addEventListener("click", moved);
    });
    return map;
  };

  /** The map's first view, once everything is on it (dzgeo.web.page.DzStart: the map
   * was made without one, so Leaflet drew nothing yet): the URL's position, else the
   * whole city clear of the controls. Every layer is then drawn once, there. */
  dz.start = function (map) {
    var pos = dz.readPosition(topWindow().location.search);
    if (pos) {
      // moved first: the layers drawn by this first view (the legend) must not refit it
      map._dzMoved = true;
      map._dzFitting = true;
      map.setView(pos.center, pos.zoom, { animate: false });
      map._dzFitting = false;
    } else {
      dz.fitCity(map);
    }
    // the position opened (kept in every URL Streamlit writes from now on), then each move
    syncUrl(map);
    map.on("moveend", function () {
      syncUrl(map);
    });
    return map;
  };
})();
