/* dzmap: the small Leaflet layer library of the dzgeo planning map.
 *
 * Python (dzgeo/webmap.py) writes the data as JSON and calls these functions; every
 * piece of HTML built here from data goes through dzmap.esc, and HTML that arrives
 * ready-made (tooltips, popups, legend) was escaped in Python with html.escape.
 * Needs Leaflet 1.9, Supercluster 7 and (for packed payloads) fflate.
 */
(function () {
  "use strict";
  var dz = (window.dzmap = window.dzmap || {});
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  /** HTML-escape any value (null -> ""). */
  dz.esc = function (value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return ESC[c];
    });
  };

  /** Panes, scale bar and the ready flag; called once per map. */
  dz.setup = function (map, opts) {
    var panes = { dzFill: 350, dzBand: 360, dzLine: 410, dzZone: 420, dzLabel: 450 };
    Object.keys(panes).forEach(function (name) {
      if (!map.getPane(name)) {
        var pane = map.createPane(name);
        pane.style.zIndex = panes[name];
        if (name === "dzLabel") pane.style.pointerEvents = "none";
      }
    });
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    if (opts && opts.background) map.getContainer().style.background = opts.background;
    map.getContainer().classList.add("dz-map");
    if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (dz.navigation) dz.navigation(map, opts);
    if (dz.watchLabels) dz.watchLabels(map);
    // the frame's height follows the screen (the app's dzapp.css): a map the reader has
    // not moved fits the city again when its size changes
    var refit = function () {
      // during a zoom animation Leaflet would ignore the fit: after it, and after what
      // else waits for its end (dznav.js opening the URL's position)
      if (map._animatingZoom) {
        map.once("zoomend", function () {
          setTimeout(refit, 0);
        });
      } else if (!map._dzMoved && !map._dzFitting && dz.fitCity) dz.fitCity(map);
    };
    map.on("resize", refit);
    popupsClearOfControls(map);
    chineseControlTitles(map);
    if (window.ResizeObserver) {
      // Leaflet watches the window only; the frame's map can change size without it
      var watch = new ResizeObserver(function () {
        var el = map.getContainer();
        var size = map.getSize();
        if (el.clientWidth !== size.x || el.clientHeight !== size.y) map.invalidateSize();
      });
      watch.observe(map.getContainer());
      map.on("unload", function () {
        watch.disconnect(); // the app replaced the map (another basemap or ledger version)
      });
    }
    return map;
  };

  /** Leaflet's controls speak English in their tooltips (and to screen readers): Chinese
   * titles, again whenever a control is rebuilt (the layer control comes with each run). */
  var CONTROL_TITLES = {
    ".leaflet-control-zoom-in": "放大",
    ".leaflet-control-zoom-out": "缩小",
    ".leaflet-control-layers-toggle": "图层",
  };
  function chineseControlTitles(map) {
    var corners = map.getContainer().querySelector(".leaflet-control-container");
    if (!corners) return;
    var apply = function () {
      Object.keys(CONTROL_TITLES).forEach(function (selector) {
        corners.querySelectorAll(selector).forEach(function (el) {
          var title = CONTROL_TITLES[selector];
          if (el.getAttribute("title") !== title) el.setAttribute("title", title);
          if (el.getAttribute("aria-label") !== title) el.setAttribute("aria-label", title);
        });
      });
    };
    apply();
    if (window.MutationObserver) {
      new MutationObserver(apply).observe(corners, { childList: true, subtree: true });
    }
  }

  function overlap(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }

  /** A popup is never under the legend or another control (nor beside a hover tooltip:
   * dzmap.css hides them while it is open): an unfolded legend that it
   * would touch folds while the popup is open (and unfolds when it closes); a control
   * it still touches makes the map pan the popup clear of it. */
  function popupsClearOfControls(map) {
    var check = function (popup) {
      var el = popup.getElement && popup.getElement();
      if (!el || !map.hasLayer(popup)) return;
      var box = el.getBoundingClientRect();
      var legend = map.getContainer().querySelector(".dz-legend");
      if (legend && !legend.classList.contains("dz-collapsed") && overlap(box, legend.getBoundingClientRect())) {
        legend.classList.add("dz-collapsed");
        map._dzFoldedFor = popup;
      }
      var root = map.getContainer().getBoundingClientRect();
      var dx = 0;
      var dy = 0;
      Array.prototype.forEach.call(map.getContainer().querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect();
        if (!r.width || !overlap(box, r) || c.classList.contains("leaflet-control-attribution")) return;
        var right = r.left - root.left > root.width / 2; // a control in a right corner
        var bottom = r.top - root.top > root.height / 2;
        var sx = right ? box.right - r.left + 8 : box.left - r.right - 8; // pan the map by ...
        var sy = bottom ? box.bottom - r.top + 8 : box.top - r.bottom - 8;
        if (Math.abs(sx) < Math.abs(sy)) dx = Math.abs(sx) > Math.abs(dx) ? sx : dx;
        else dy = Math.abs(sy) > Math.abs(dy) ? sy : dy;
      });
      if (dx || dy) map.panBy([dx, dy], { animate: false });
    };
    map.on("popupopen", function (e) {
      // the popup says more than a hover tooltip: none shows beside or under it
      map.getContainer().classList.add("dz-popup-open");
      check(e.popup);
      // after Leaflet's own autopan
      map.once("moveend", function () {
        check(e.popup);
      });
    });
    map.on("popupclose", function (e) {
      map.getContainer().classList.remove("dz-popup-open");
      if (map._dzFoldedFor !== e.popup) return;
      map._dzFoldedFor = null;
      var legend = map.getContainer().querySelector(".dz-legend");
      if (legend && dz.legendOpen !== false) legend.classList.remove("dz-collapsed");
    });
  }

  /** Unpack a payload: plain JSON data, or {packed: base64 zlib of JSON}. */
  dz.unpack = function (payload) {
    if (!payload || !payload.packed) return payload;
    var bin = atob(payload.packed);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var raw = fflate.unzlibSync(bytes);
    var text = window.TextDecoder ? new TextDecoder("utf-8").decode(raw) : fflate.strFromU8(raw);
    return JSON.parse(text);
  };

  /** Keep geometries for later layers ({ref: name, props: [...]}); an empty layer. */
  dz.data = dz.data || {};
  dz.store = function (geometries, opts) {
    dz.data[opts.name] = geometries;
    return L.layerGroup();
  };

  /** A GeoJSON layer whose features carry _s (style), _t (tooltip) and _p (popup HTML);
   * ``data`` is a FeatureCollection or {ref, props}: stored geometries with new properties. */
  dz.geo = function (data, opts) {
    opts = opts || {};
    if (data && data.ref) {
      var geoms = dz.data[data.ref] || [];
      data = {
        type: "FeatureCollection",
        features: geoms.map(function (g, i) {
          return { type: "Feature", geometry: g, properties: data.props[i] || {} };
        }),
      };
    }
    var interactive = opts.interactive !== false;
    return L.geoJSON(data, {
      pane: opts.pane || "overlayPane",
      interactive: interactive,
      style: function (f) {
        return f.properties._s || {};
      },
      pointToLayer: function (f, latlng) {
        var s = f.properties._s || {};
        if (s.shape === "star" || s.shape === "diamond") {
          var paint = s.shape === "star" ? "background:" : "border-color:";
          return L.marker(latlng, {
            pane: opts.pane || "markerPane",
            interactive: interactive,
            icon: L.divIcon({
              className: "dz-sym dz-sym-" + s.shape,
              html: '<span style="' + paint + dz.esc(s.color) + '"></span>',
              iconSize: [s.size || 14, s.size || 14],
            }),
          });
        }
        return L.circleMarker(latlng, Object.assign({ pane: opts.pane || "overlayPane" }, s));
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        if (!interactive) return;
        if (p._t) layer.bindTooltip(p._t, { sticky: !!opts.sticky, className: "dz-tip" });
        if (p._p) layer.bindPopup(p._p, { maxWidth: 360, className: "dz-popup", autoPanPadding: [60, 20] });
        if (opts.highlight && layer.setStyle) {
          layer.on("mouseover", function () {
            layer.setStyle({ stroke: true, weight: 3, color: "#111", opacity: 1 });
          });
          layer.on("mouseout", function () {
            layer.setStyle(p._s || {});
          });
        }
      },
    });
  };

  /** Text labels: [[lat, lon, html, className], ...] in the non-interactive label pane. */
  dz.labels = function (rows, opts) {
    opts = opts || {};
    var group = L.layerGroup();
    rows.forEach(function (r) {
      L.marker([r[0], r[1]], {
        pane: "dzLabel",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: "dz-label",
          html: '<div class="dz-lbl ' + (r[3] || "") + '">' + r[2] + "</div>",
          iconSize: [0, 0],
        }),
      }).addTo(group);
    });
    return group;
  };

  /** A legend box (HTML escaped in Python) as a layer, so it goes with its overlay group. */
  dz.legend = function (html, opts) {
    opts = opts || {};
    var Legend = L.Layer.extend({
      onAdd: function (map) {
        var self = this;
        var control = L.control({ position: opts.position || "bottomright" });
        control.onAdd = function () {
          var div = L.DomUtil.create("div", "dz-legend leaflet-bar");
          div.innerHTML = html;
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          var toggle = div.querySelector(".dz-legend-toggle");
          var size = map.getSize();
          // folded on small maps, so that it covers no county; the reader unfolds it
          if (dz.legendOpen === false || (dz.legendOpen == null && (size.x < 1150 || size.y < 640))) {
            div.classList.add("dz-collapsed");
          }
          // never taller than the room under the top-right controls (the layer control)
          var fitHeight = function () {
            var top = 10;
            var root = map.getContainer().getBoundingClientRect();
            Array.prototype.forEach.call(map.getContainer().querySelectorAll(".leaflet-top.leaflet-right .leaflet-control"), function (el) {
              top = Math.max(top, el.getBoundingClientRect().bottom - root.top + 10);
            });
            div.style.maxHeight = Math.max(120, root.height - top - 30) + "px";
          };
          fitHeight();
          map.on("resize", fitHeight);
          self._fitHeight = fitHeight;
          if (toggle) {
            L.DomEvent.on(toggle, "click", function () {
              fitHeight();
              div.classList.toggle("dz-collapsed");
              dz.legendOpen = !div.classList.contains("dz-collapsed");
              toggle.setAttribute("aria-expanded", String(dz.legendOpen));
              if (!map._dzMoved && dz.fitCity) dz.fitCity(map, true);
              if (dz.scheduleLabels) dz.scheduleLabels(map);
            });
          }
          return div;
        };
        this._control = control.addTo(map);
        if (!map._dzMoved && dz.fitCity) dz.fitCity(map); // room for the legend as it is
        if (opts.token) map.getContainer().setAttribute("data-dz-view", opts.token);
      },
      onRemove: function (map) {
        if (this._fitHeight) map.off("resize", this._fitHeight);
        if (this._control) map.removeControl(this._control);
      },
    });
    return new Legend();
  };

  /** How many bits are set in the base64 bit set ``b64``. */
  function countBits(b64) {
    var bytes = dz.bits(b64);
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      for (var v = bytes[i]; v; v &= v - 1) n++;
    }
    return n;
  }

  /** The bytes of base64 text (a bit set: bit i is bit i%8 of byte i>>3). */
  dz.bits = function (b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  };

  /** Apply a view update from the app (dzgeo.web.live.view_update): per overlay group
   * its new name and parts (``packed``: zlib JSON in base64, token and ask outside); the
   * project layer keeps its data and takes the new mask.
   * Returns false while the map is not there yet (it pulls the update when loaded). */
  dz.view = function (u) {
    if (u && u.picks && dz.takePicks) dz.takePicks(u.picks); // dzpicks.js: once per page
    var proj = dz.lastProjects;
    var map = window.map;
    if (!u || !map || !proj || !(proj._map || proj._dzMap) || !window.feature_group) return false;
    // a view shown by dzpicks.js ahead of the server: the server's answer replaces it
    if (u.token !== dz.viewToken || proj._dzLocal) {
      var t0 = performance.now();
      var body = u.packed ? dz.unpack({ packed: u.packed }) : u;
      var groups = window.feature_group.slice(-body.groups.length);
      var names = [];
      body.groups.forEach(function (g, k) {
        var group = groups[k];
        group.eachLayer(function (layer) {
          if (layer._dzKind !== "projects") group.removeLayer(layer);
        });
        g.parts.forEach(function (p) {
          if (p[0] === "projects") proj.setMask(p[2]);
          else dz[p[0]](p[1], p[2]).addTo(group);
        });
        names.push([group, g.name]);
      });
      var control = window.layer_control;
      if (control && control._layers) {
        control._layers.forEach(function (entry) {
          names.forEach(function (n) {
            if (entry.layer === n[0]) entry.name = n[1];
          });
        });
        control._update();
      }
      proj._mark(u.token, performance.now() - t0);
    }
    if (u.ask) dz.signalReady(u.ask);
    return true;
  };

  /** Take the app's latest view update (the app's view component keeps it in the page,
   * dzview.js; the map sits in the same page: dzmount.js). */
  dz.pullView = function () {
    if (window.dzPendingView) dz.view(window.dzPendingView);
  };

  /** Tell the app (once per request ``ask``) that the map has drawn, so it draws the
   * tables: the component's "ready" state, through dz.report (set by dzmount.js; a page
   * of its own, the offline map, has none). */
  var signalled = {};
  dz.signalReady = function (ask) {
    if (signalled[ask] || !dz.report) return;
    signalled[ask] = true;
    dz.report(ask);
  };

  function popupHtml(d, i) {
    var ind = d.ind[d.i[i]];
    var rows = [];
    function row(label, value) {
      if (value) rows.push("<tr><th>" + label + "</th><td>" + value + "</td></tr>");
    }
    row(
      "产业",
      '<i class="dz-chip" style="background:' + dz.esc(d.col[d.i[i]]) + '"></i>' +
        dz.esc(ind) + "（" + dz.esc(d.grp[d.i[i]]) + "）"
    );
    row("细分领域", dz.esc(d.sub[d.s[i]]));
    row("类别", dz.esc(d.cat[d.c[i]]));
    var place = d.plc[d.p[i]];
    var src = d.src[d.k[i]];
    var basis = d.bas[d.b[i]];
    var places = place.split("|");
    var where = dz.esc(places[0]);
    if (src === "inferred") where += '<span class="dz-note">（推定' + (basis ? "：" + dz.esc(basis) : "") + "）</span>";
    if (src === "unplaced") where = '<span class="dz-note">未指明具体地点，标于市域' + (basis ? "（" + dz.esc(basis) + "）" : "") + "</span>";
    if (places.length > 1) where += '<br><span class="dz-note">另见：' + dz.esc(places.slice(1).join("、")) + "</span>";
    row("地点", where);
    row("企业", dz.esc(d.ent[d.e[i]]));
    row("规划章节", dz.esc(d.sec[d.t[i]]));
    row("编号", dz.esc(d.id[i]));
    var ledger = d.sta ? ledgerRows(d, i) : "";
    return (
      '<div class="dz-pop dz-project"><h4>' + dz.esc(d.n[i]) + "</h4><table>" + rows.join("") + "</table>" +
      ledger + "</div>"
    );
  }

  var LEDGER_ROWS = [
    ["状态", "st", "sta", "status"],
    ["开工年份", "y1", null, "start_year"],
    ["竣工年份", "y2", null, "finish_year"],
    ["总投资（亿元）", "iv", null, "investment_total"],
    ["累计完成投资（亿元）", "vd", null, "investment_done"],
    ["乡镇（街道）", "tw", "twn", "township"],
    ["责任单位", "rp", "rsp", "responsible"],
    ["备注", "rm", "rmk", "remarks"],
  ];

  /** The ledger part of a project popup: where the point comes from (台账 vs 规划) and
   * every ledger field with its provenance (规划 or 台账 vN, per field). */
  function ledgerRows(d, i) {
    d._prov = d._prov || {};
    var k = d.pv[i];
    if (!(k in d._prov)) {
      try {
        d._prov[k] = JSON.parse(d.prv[k] || "{}") || {};
      } catch (e) {
        d._prov[k] = {};
      }
    }
    var prov = d._prov[k];
    function tag(field, fallback) {
      var src = prov[field] || fallback || "";
      var cls = src.indexOf("台账") === 0 ? "dz-src dz-src-ledger" : "dz-src";
      return src ? ' <span class="' + cls + '">' + dz.esc(src) + "</span>" : "";
    }
    var rows = [];
    var by = d.lby[d.lb[i]];
    var fromLedger = by === "台账坐标" || by === "乡镇";
    var field = by === "乡镇" ? "township" : "site_lon";
    rows.push(
      "<tr><th>点位</th><td>" + dz.esc(by || "规划地点") +
        (fromLedger ? tag(field, "台账") : tag("", "规划")) + "</td></tr>"
    );
    if (d.org[d.og[i]] === "台账") rows.push('<tr><th>来源</th><td>台账新增项目</td></tr>');
    if (d.g && d.g[i]) {
      rows.push("<tr><th>" + dz.esc(d.yr) + " 年</th><td>" + (d.g[i] === 2 ? "已竣工" : "在建") + "</td></tr>");
    }
    LEDGER_ROWS.forEach(function (r) {
      var v = r[2] ? d[r[2]][d[r[1]][i]] : d[r[1]][i];
      if (v === null || v === undefined || v === "") return;
      rows.push("<tr><th>" + r[0] + "</th><td>" + dz.esc(v) + tag(r[3], "台账") + "</td></tr>");
    });
    return (
      '<h5 class="dz-ledger-head">项目台账（第 ' + dz.esc(d.ver) + ' 版）</h5><table class="dz-ledger">' +
      rows.join("") + "</table>"
    );
  }

  /** Key projects, clustered with Supercluster; cluster icons are pies of industry shares.
   *
   * The payload holds columns: y/x (lat/lon in 1e-5 degrees above y0/x0), i (industry
   * index), n (names), id, and the indices s, c, p, k, b, e, t into the string tables
   * sub, cat, plc, src, bas, ent, sec. A project that counts in several counties has a
   * marker in each: the first markers are the projects in order, the extra ones follow
   * (xu: their projects). A cluster counts every project once, so its number is how
   * many projects it holds (dzgeo.counting).
   */
  /** d.u: the project of each marker (the first markers are the projects in order, the
   * extra ones, of projects counted in several counties, follow with d.xu); d.many: the
   * projects with several markers and each project's industry. */
  function owners(d) {
    if (d.u) return;
    var nFirst = d.n.length - (d.xu ? d.xu.length : 0);
    d.u = new Array(d.n.length);
    for (var q = 0; q < d.n.length; q++) d.u[q] = q < nFirst ? q : d.xu[q - nFirst];
    var industry = {};
    var multi = {};
    for (var j = 0; j < d.u.length; j++) {
      if (industry[d.u[j]] === undefined) industry[d.u[j]] = d.i[j];
      else multi[d.u[j]] = true;
    }
    d.many = { multi: multi, industry: industry };
  }

  /** The project mask now shown (bytes of bits; null: every project), kept in
   * dz.maskBits and announced as the window event "dz:mask" (the app's project table,
   * dztable.js, shows the same rows). */
  dz.announceMask = function (bits) {
    dz.maskBits = bits || null;
    window.dispatchEvent(new CustomEvent("dz:mask"));
  };

  dz.projects = function (payload, opts) {
    opts = opts || {};
    dz.announceMask(opts.mask ? dz.bits(opts.mask) : null);
    var Layer = L.Layer.extend({
      _dzKind: "projects",
      addTo: function (target) {
        this._dzParent = target; // the overlay group, switched on by focus()
        return L.Layer.prototype.addTo.call(this, target);
      },
      onAdd: function (map) {
        var t0 = performance.now();
        var first = !this._dzMap;
        var f = (this._dzF = this._dzF || opts);
        if (first && f.startHidden && f.mask && dz.projectsWanted == null) {
          // switched off as soon as the map stands (the 布局 view): unpacked, indexed and
          // drawn when it is switched on (50,000 projects: ~0.6 s before the first paint)
          this._stale = true;
          this._shown = countBits(f.mask);
        } else {
          this._data();
          if (!this._index || this._stale) this._build(f);
          this._stale = false;
        }
        this._group = L.layerGroup().addTo(map);
        this._map = map;
        dz.lastProjects = this; // for tests, the benchmark and dzmap.view
        map.on("moveend", this._draw, this);
        this._draw();
        // added again (the layer control, a focus): the view shown is still the last one
        // applied, not the one this element was built with — or pullView applies it twice
        this._mark(first ? opts.token : dz.viewToken, performance.now() - t0);
        this._dzMap = map;
        if (first) {
          var self = this;
          setTimeout(function () {
            self._defaultShown(opts);
          }, 0);
        }
        if (!map._dzWatchProjects) {
          // remember the reader's own choice in the layer control (not the swaps of a rerun)
          map._dzWatchProjects = true;
          map.getContainer().addEventListener("change", function (e) {
            var label = e.target.closest && e.target.closest(".leaflet-control-layers label");
            if (label && label.textContent.indexOf("重点项目") >= 0) dz.projectsWanted = e.target.checked;
          });
        }
        // the app may hold a newer view than this element was built with
        setTimeout(dz.pullView, 0);
      },
      /** Show only the rows whose bit is set in ``f.mask`` (base64 bit set; none: all),
       * with ``f.stage`` (base64, a byte per row: 0, 1 在建, 2 竣工) in year ``f.yr``. */
      setMask: function (f) {
        this._dzF = f; // the server's options: dzpicks.js composes its picks with f.rest
        this._dzLocal = false;
        dz.announceMask(f.bits || (f.mask ? dz.bits(f.mask) : null));
        if (this._map || !f.mask) {
          this._data();
          this._build(f);
          this._stale = false;
          this._draw();
        } else {
          this._stale = true; // switched off: built when switched on (onAdd)
          this._shown = countBits(f.mask);
        }
        this._defaultShown(f);
      },
      /** The payload, unpacked once, with each marker's project (owners). */
      _data: function () {
        this._d = this._d || dz.unpack(payload);
        owners(this._d);
        return this._d;
      },
      /** Switch the layer on or off as the view wants (``startHidden``: the 布局 view
       * opens with the zones in sight), unless the reader chose in the layer control. */
      _defaultShown: function (f) {
        var map = this._dzMap;
        var parent = this._dzParent;
        if (!map || !parent || parent === map) return;
        var want = dz.projectsWanted != null ? dz.projectsWanted : !f.startHidden;
        if (want && !map.hasLayer(parent)) map.addLayer(parent);
        else if (!want && map.hasLayer(parent)) map.removeLayer(parent);
      },
      _mark: function (token, ms) {
        var el = (this._map || this._dzMap).getContainer();
        el.setAttribute("data-dz-projects", String(this._shown));
        if (token) el.setAttribute("data-dz-view", token);
        if (token) dz.viewToken = token;
        // at: when (ms since the epoch), for the benchmark: a poll can only see it later
        window.dzReady = { projects: this._shown, token: token || "", ms: ms, at: performance.timeOrigin + performance.now() };
      },
      _build: function (f) {
        var d = this._d;
        var nInd = d.ind.length;
        var bits = f.bits || (f.mask ? dz.bits(f.mask) : null); // bits: dzpicks.js's own
        if (f.stage) {
          d.g = dz.bits(f.stage);
          d.yr = f.yr;
        } else if (bits) {
          d.g = null; // the live map: no year chosen now
        }
        var proj = d.u;
        var many = d.many;
        if (f.stage) {
          // a byte per project: spread over the project's markers
          var perProject = d.g;
          d.g = proj.map(function (u) {
            return perProject[u];
          });
        }
        var pts = [];
        var shown = {};
        this._shown = 0;
        for (var i = 0; i < d.n.length; i++) {
          var u = proj[i];
          if (bits && !(bits[u >> 3] & (1 << (u & 7)))) continue;
          if (!shown[u]) {
            shown[u] = true;
            this._shown++;
          }
          pts.push({
            type: "Feature",
            properties: { i: i },
            geometry: { type: "Point", coordinates: [d.x0 + d.x[i] / 1e5, d.y0 + d.y[i] / 1e5] },
          });
        }
        this._index = new Supercluster({
          radius: opts.radius || 48,
          minZoom: opts.minZoom || 0, // no cluster trees below the map's own minimum
          maxZoom: opts.maxZoom || 16,
          map: function (props) {
            var a = new Array(nInd).fill(0);
            a[d.i[props.i]] = 1;
            var u = proj[props.i];
            return { a: a, n: 1, m: many.multi[u] ? [u] : null };
          },
          reduce: function (acc, props) {
            // Supercluster starts a cluster from a shallow copy of its first child:
            // take a private copy of the counts before adding, or the child changes too
            if (acc.own !== acc) {
              acc.a = acc.a.slice();
              acc.m = acc.m ? acc.m.slice() : null;
              acc.own = acc;
            }
            for (var k = 0; k < nInd; k++) acc.a[k] += props.a[k];
            acc.n += props.n;
            // a project with markers on both sides is counted once
            (props.m || []).forEach(function (u) {
              if (acc.m && acc.m.indexOf(u) >= 0) {
                acc.a[many.industry[u]] -= 1;
                acc.n -= 1;
              } else (acc.m = acc.m || []).push(u);
            });
          },
        }).load(pts);
      },
      onRemove: function (map) {
        map.off("moveend", this._draw, this);
        if (this._group) map.removeLayer(this._group);
        this._group = null;
      },
      _draw: function () {
        var map = this._map;
        var d = this._d;
        var group = this._group;
        if (!group || this._stale) return;
        group.clearLayers();
        var b = map.getBounds().pad(0.25);
        var zoom = Math.round(map.getZoom());
        var items = this._index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom);
        var self = this;
        items.forEach(function (c) {
          var ll = [c.geometry.coordinates[1], c.geometry.coordinates[0]];
          var m;
          if (c.properties.cluster) {
            m = L.marker(ll, { icon: clusterIcon(c.properties, d), riseOnHover: true });
            m._dzCluster = c;
            m.on("click", function () {
              self._clusterClick(c, ll);
            });
          } else {
            var i = c.properties.i;
            var shape = d.shp[d.i[i]] === "square" ? " dz-pt-sq" : "";
            if (d.g && d.g[i] === 2) shape += " dz-pt-done"; // finished by the slider's year
            m = L.marker(ll, {
              icon: L.divIcon({
                className: "dz-pt" + shape,
                html: '<span style="background:' + dz.esc(d.col[d.i[i]]) + '"></span>',
                iconSize: [d.sz || 14, d.sz || 14],
              }),
              title: d.n[i],
            });
            m._dzI = i;
            m.bindPopup(function () {
              return popupHtml(d, i);
            }, { maxWidth: 360, className: "dz-popup", autoPanPadding: [60, 20] });
          }
          group.addLayer(m);
        });
      },
      /** Fly to project ``id`` and open its popup (in its cluster's list when its place
       * holds several projects); false when no project has that id. */
      focus: function (id) {
        dz.projectsWanted = true; // the reader asked to see a project: keep the layer on
        var owner = this._dzMap;
        if (!this._map && this._dzParent && owner) owner.addLayer(this._dzParent);
        var map = this._map;
        var d = this._d;
        var i = d ? d.id.indexOf(String(id)) : -1;
        if (!map || i < 0) return false;
        var ll = L.latLng(d.y0 + d.y[i] / 1e5, d.x0 + d.x[i] / 1e5);
        var self = this;
        map._dzMoved = true;
        // asked again while flying there (the view update can arrive twice): one popup
        if (this._dzFocusing === i) return true;
        this._dzFocusing = i;
        map.once("moveend", function () {
          setTimeout(function () {
            self._dzFocusing = null;
            self._open(i, ll);
          }, 0);
        });
        var zoom = Math.max(map.getZoom(), 10);
        var here = map.latLngToContainerPoint(map.getCenter());
        if (map.getZoom() === zoom && map.latLngToContainerPoint(ll).distanceTo(here) < 1) {
          map.fire("moveend"); // nothing to fly: the once() handler above opens the popup
        } else {
          map.flyTo(ll, zoom, { duration: 0.5 });
        }
        return true;
      },
      _open: function (i, ll) {
        var found = null;
        var self = this;
        this._group.eachLayer(function (m) {
          if (m._dzI === i) found = m;
        });
        if (found) {
          found.openPopup();
          return;
        }
        this._group.eachLayer(function (m) {
          if (found || !m._dzCluster) return;
          var leaves = self._index.getLeaves(m._dzCluster.properties.cluster_id, Infinity);
          for (var k = 0; k < leaves.length; k++) {
            if (leaves[k].properties.i === i) {
              found = m;
              break;
            }
          }
        });
        if (found) this._clusterClick(found._dzCluster, found.getLatLng(), i);
      },
      _clusterClick: function (c, ll, openIndex) {
        var map = this._map;
        var d = this._d;
        var zoom = this._index.getClusterExpansionZoom(c.properties.cluster_id);
        var maxZoom = Math.min(map.getMaxZoom(), opts.maxZoom || 16);
        if (openIndex == null && zoom <= maxZoom && zoom > map.getZoom()) {
          map.flyTo(ll, zoom, { duration: 0.4 });
          return;
        }
        var proj = d.u || null;
        var listed = {};
        var leaves = this._index.getLeaves(c.properties.cluster_id, 500).filter(function (f) {
          if (!proj) return true;
          var u = proj[f.properties.i];
          if (listed[u]) return false;
          listed[u] = true;
          return true;
        });
        var total = c.properties.n || c.properties.point_count;
        var items = leaves.map(function (f) {
          var i = f.properties.i;
          return (
            '<li data-i="' + i + '"><i class="dz-chip" style="background:' + dz.esc(d.col[d.i[i]]) +
            '"></i>' + dz.esc(d.n[i]) + "</li>"
          );
        });
        var more = total > leaves.length ? "<p class=\"dz-note\">仅列出前 " + leaves.length + " 个</p>" : "";
        var div = L.DomUtil.create("div", "dz-pop dz-list");
        var list =
          "<h4>" + dz.esc(placeOf(leaves, d)) + "：" + total + " 个重点项目</h4><ul>" +
          items.join("") + "</ul>" + more;
        div.innerHTML =
          openIndex == null ? list : '<span class="dz-back">‹ 返回列表</span>' + popupHtml(d, openIndex);
        var popup = L.popup({ maxWidth: 380, maxHeight: 320, className: "dz-popup", autoPanPadding: [60, 20] });
        L.DomEvent.on(div, "click", function (e) {
          var li = e.target.closest("li[data-i]");
          var back = e.target.closest(".dz-back");
          if (!li && !back) return;
          // swap the content after the click has bubbled: a detached target would make
          // the map take it for a click outside the popup and close it
          setTimeout(function () {
            div.innerHTML = li
              ? '<span class="dz-back">‹ 返回列表</span>' + popupHtml(d, Number(li.getAttribute("data-i")))
              : list;
            popup.update();
          }, 0);
        });
        popup.setLatLng(ll).setContent(div).openOn(map);
      },
    });
    dz.lastProjectsMade = new Layer();
    return dz.lastProjectsMade;
  };

  /** The place a cluster's projects are at: one name, or the two commonest and a count. */
  function placeOf(leaves, d) {
    var counts = {};
    var order = [];
    leaves.forEach(function (f) {
      var i = f.properties.i;
      var name = d.src[d.k[i]] === "unplaced" ? "全市层面（未指明地点）" : d.plc[d.p[i]].split("|")[0];
      if (!(name in counts)) {
        counts[name] = 0;
        order.push(name);
      }
      counts[name] += 1;
    });
    order.sort(function (a, b) {
      return counts[b] - counts[a];
    });
    if (order.length === 1) return order[0];
    return order.slice(0, 2).join("、") + (order.length > 2 ? " 等 " + order.length + " 地" : "");
  }

  function clusterIcon(props, d) {
    var n = props.n || props.point_count;
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 50;
    var stops = [];
    var acc = 0;
    for (var k = 0; k < props.a.length; k++) {
      if (!props.a[k]) continue;
      var from = (acc / n) * 360;
      acc += props.a[k];
      stops.push(d.col[k] + " " + from.toFixed(1) + "deg " + ((acc / n) * 360).toFixed(1) + "deg");
    }
    return L.divIcon({
      className: "dz-cl",
      html:
        '<div style="width:' + size + "px;height:" + size + "px;background:conic-gradient(" + stops.join(",") +
        ')"><span>' + n + "</span></div>",
      iconSize: [size, size],
    });
  }
})();
