/* dzpicks: the map follows a click in a sidebar pick list at once, before the server.
 *
 * Python (dzgeo/web/picks.py) sends, once per page, every pick-list option's projects
 * as a bit set (decided there by the one filter rule) and, with each view update, the
 * projects passing the filter without its picks (``rest``). The filter is AND across
 * lists, OR within one, so a click's new view is rest AND, for each list with picks,
 * the OR of its picked options. A click on an option (or Enter on the highlighted one),
 * a chip's remove button, a list's clear-all or the 清除筛选 button is shown so at once; the server's answer, when it
 * comes, replaces it (dzmap.view). Whatever is not understood here is left to the server.
 * Works in the app page itself and in an iframe of it (``window.parent``).
 */
(function () {
  "use strict";
  var dz = (window.dzmap = window.dzmap || {});
  var host = null;
  try {
    host = window.parent && window.parent.document ? window.parent : null;
  } catch (e) {
    host = null; // another origin: not the app
  }
  if (!host) return;

  /** Keep the option masks the app sent ({packed}): on the app page, so that a map
   * made again (another basemap) still has them. */
  dz.takePicks = function (packed) {
    try {
      var picks = dz.unpack(packed);
      host.dzPicks = { key: picks.key, n: picks.n, clear: picks.clear, lists: picks.lists, bits: {} };
    } catch (e) {
      host.dzPicks = null;
    }
  };

  function bitsOf(picks, list, k) {
    var name = list.label + "\u0000" + k;
    if (!picks.bits[name]) picks.bits[name] = dz.bits(list.options[k][1]);
    return picks.bits[name];
  }

  function listNamed(picks, label) {
    for (var i = 0; i < picks.lists.length; i++) if (picks.lists[i].label === label) return picks.lists[i];
    return null;
  }

  function optionIndex(list, text) {
    for (var k = 0; k < list.options.length; k++) if (list.options[k][0] === text) return k;
    return -1;
  }

  /** The sidebar multiselect labelled ``label`` (its input carries the label). */
  function widgetOf(doc, label) {
    var found = null;
    doc.querySelectorAll('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').forEach(function (w) {
      var input = w.querySelector('input[role="combobox"]');
      if (input && input.getAttribute("aria-label") === label) found = w;
    });
    return found;
  }

  /** The shown texts of the chips (the picks) of a multiselect; null if there is none. */
  function chipsOf(doc, label) {
    var w = widgetOf(doc, label);
    if (!w) return null;
    var texts = [];
    w.querySelectorAll("[data-tag]").forEach(function (tag) {
      texts.push(tag.getAttribute("aria-label"));
    });
    return texts;
  }

  /** What a click changes: {label, picks} for one list, {all: true} for 清除筛选, or null. */
  function changeOf(doc, target, picks) {
    if (!target || !target.closest) return null;
    var option = target.closest('[role="option"]');
    if (option) {
      var box = option.closest('[role="listbox"]');
      var label = box && box.getAttribute("aria-label");
      var chips = label && chipsOf(doc, label);
      if (!chips) return null;
      var text = option.textContent.trim();
      var at = chips.indexOf(text);
      if (option.getAttribute("aria-selected") === "true") {
        if (at >= 0) chips.splice(at, 1);
      } else if (at < 0) chips.push(text);
      return { label: label, picks: chips };
    }
    var button = target.closest("button");
    if (!button || !button.closest('[data-testid="stSidebar"]')) return null;
    var widget = button.closest('[data-testid="stMultiSelect"]');
    if (!widget) {
      return button.textContent.trim() === picks.clear ? { all: true } : null;
    }
    var input = widget.querySelector('input[role="combobox"]');
    var name = input && input.getAttribute("aria-label");
    if (!name) return null;
    if (button.getAttribute("aria-label") === "Clear all") return { label: name, picks: [] };
    var tag = button.closest("[data-tag]");
    if (!tag) return null; // the list's open button: nothing changes yet
    var left = chipsOf(doc, name) || [];
    var i = left.indexOf(tag.getAttribute("aria-label"));
    if (i < 0) return null;
    left.splice(i, 1);
    return { label: name, picks: left };
  }

  /** The bit set of rest AND each list's OR, or null when a pick is not known here. */
  function compose(doc, picks, f, change) {
    var keep = dz.bits(f.rest);
    var changed = listNamed(picks, change.label);
    if (!changed) return null;
    for (var c = 0; c < changed.narrows.length; c++) {
      // a change that may drop the picks of another list (细分领域): the server decides
      var other = chipsOf(doc, changed.narrows[c]);
      if (other === null || other.length) return null;
    }
    for (var l = 0; l < picks.lists.length; l++) {
      var list = picks.lists[l];
      var chosen = list === changed ? change.picks : chipsOf(doc, list.label);
      if (chosen === null) return null;
      if (!chosen.length) continue;
      var either = new Uint8Array(keep.length);
      for (var j = 0; j < chosen.length; j++) {
        var k = optionIndex(list, chosen[j]);
        if (k < 0) return null;
        var b = bitsOf(picks, list, k);
        if (b.length !== keep.length) return null;
        for (var q = 0; q < b.length; q++) either[q] |= b[q];
      }
      for (var r = 0; r < keep.length; r++) keep[r] &= either[r];
    }
    return keep;
  }

  function everything(n) {
    var keep = new Uint8Array((n + 7) >> 3).fill(255);
    return keep;
  }

  function countSet(bytes, n) {
    var count = 0;
    for (var i = 0; i < n; i++) if (bytes[i >> 3] & (1 << (i & 7))) count++;
    return count;
  }

  /** Show ``bits`` on the project layer now (the server's token stays as it is); a layer
   * switched off only counts them (it is built from the server's view when switched on). */
  function show(layer, f, bits, n) {
    var t0 = performance.now();
    var keep = bits.all || bits;
    if (layer._map && layer._d) {
      layer._build(bits.all ? { bits: keep } : Object.assign({}, f, { mask: null, bits: keep }));
      layer._stale = false;
      layer._draw();
    } else {
      layer._stale = true;
      layer._shown = countSet(keep, n);
    }
    layer._dzLocal = true;
    if (dz.announceMask) dz.announceMask(keep); // the project table follows at once
    var map = layer._map || layer._dzMap;
    if (!map) return;
    var el = map.getContainer();
    el.setAttribute("data-dz-projects", String(layer._shown));
    // for tests and the benchmark: when the map showed a pick by itself
    window.dzLocal = { projects: layer._shown, ms: performance.now() - t0, at: performance.timeOrigin + performance.now() };
  }

  /** Enter in an open list picks its highlighted option, as a click on it would. */
  function enteredOption(doc, e) {
    var input = e.target;
    if (e.key !== "Enter" || e.isComposing || !input || !input.getAttribute) return null;
    if (input.getAttribute("role") !== "combobox" || input.getAttribute("aria-expanded") !== "true") return null;
    var id = input.getAttribute("aria-activedescendant");
    var option = id && doc.getElementById(id);
    return option && option.getAttribute("role") === "option" ? option : null;
  }

  function onPick(e) {
    try {
      var picks = host.dzPicks;
      var layer = dz.lastProjects;
      var f = layer && layer._dzF;
      if (!picks || !f || !f.rest || f.pk !== picks.key) return;
      var doc = host.document;
      var target = e.type === "keydown" ? enteredOption(doc, e) : e.target;
      var change = target && changeOf(doc, target, picks);
      if (!change) return;
      if (change.all) {
        show(layer, f, { all: everything(picks.n) }, picks.n);
        return;
      }
      var bits = compose(doc, picks, f, change);
      if (bits) show(layer, f, bits, picks.n);
    } catch (err) {
      // never in the way of the server's answer
      if (window.console) console.warn("dzpicks", err);
    }
  }

  // one listener on the app page, the latest map's (a map made again replaces it)
  var EVENTS = ["click", "keydown"];
  EVENTS.forEach(function (type) {
    if (host.dzPicksListener) host.document.removeEventListener(type, host.dzPicksListener, true);
    host.document.addEventListener(type, onPick, true);
  });
  host.dzPicksListener = onPick;
})();
