/* Cordon — a chain of transmission drawn as an interactive graph (sigma.js on WebGL, over a
   graphology graph). The server sends the nodes already laid out (columns of plain values,
   a parent always before its children), so the browser does no layout work: it builds the
   graph, groups large branches into one node (+N) that a tap unfolds, and draws. Codes show
   only when zoomed in. The table under the graph lists the same chain for keyboards, screen
   readers and browsers without WebGL. Sets performance mark "chain-graph-drawn" after the
   first frame. */
(function () {
  "use strict";

  var BUDGET = window.cordonChainBudget || 2000; // nodes shown at first; larger branches grouped
  var UNFOLD = 500; // nodes a tap on a group adds at most

  var box = document.getElementById("chain-graph");
  if (!box) return;
  var status = document.getElementById("chain-status");
  var tools = document.querySelector(".graph-tools");
  var strings = JSON.parse(document.getElementById("chain-strings").textContent);
  var numbers = new Intl.NumberFormat(box.dataset.lang || undefined);

  function say(text) {
    status.textContent = text;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) {
      return numbers.format(values[name]);
    });
  }

  function webgl() {
    try {
      var canvas = document.createElement("canvas");
      return !!(canvas.getContext("webgl2") || canvas.getContext("webgl"));
    } catch (e) {
      return false;
    }
  }

  if (!window.Sigma || !window.graphology || !webgl()) {
    box.hidden = true;
    say(strings.noWebgl);
    return;
  }

  function colours() {
    var css = getComputedStyle(document.documentElement);
    var out = {};
    ["confirmed", "suspected", "recovered", "died", "discarded", "hidden", "source", "group",
      "edge", "focus"]
      .forEach(function (name) {
        out[name] = css.getPropertyValue("--g-" + name).trim() || "#4f5b66";
      });
    return out;
  }

  function draw(data) {
    performance.mark("chain-graph-data");
    var N = data.nodes;
    var n = N.id.length;
    var parent = N.parent;
    var below = N.below;
    var colour = colours();
    var kids = new Array(n);
    var i;
    for (i = 0; i < n; i++) kids[i] = [];
    for (i = 0; i < n; i++) if (parent[i] >= 0) kids[parent[i]].push(i);

    var hidden = new Uint8Array(n); // under a grouped branch
    var grouped = new Uint8Array(n); // a branch folded into this node

    // Unfold a grouped node: its children always, then breadth-first whole generations of
    // its branch while the budget lasts; a node whose children would overflow it is grouped.
    function group(from, budget) {
      var queue = [from];
      var shown = 0;
      for (var q = 0; q < queue.length; q++) {
        var v = queue[q];
        var c = kids[v];
        if (!c.length) continue;
        if (q === 0 || shown + c.length <= budget) {
          grouped[v] = 0;
          shown += c.length;
          for (var k = 0; k < c.length; k++) queue.push(c[k]);
        } else {
          grouped[v] = 1;
        }
      }
    }

    function regroup() {
      grouped.fill(0);
      var roots = [];
      for (var v = 0; v < n; v++) if (parent[v] < 0) roots.push(v);
      // roots share the budget in one breadth-first pass
      var queue = roots.slice();
      var shown = roots.length;
      for (var q = 0; q < queue.length; q++) {
        var u = queue[q];
        var c = kids[u];
        if (!c.length) continue;
        if (shown + c.length <= BUDGET) {
          shown += c.length;
          for (var k = 0; k < c.length; k++) queue.push(c[k]);
        } else {
          grouped[u] = 1;
        }
      }
    }

    var visible = 0;
    function settle() {
      visible = 0;
      for (var v = 0; v < n; v++) {
        var p = parent[v];
        hidden[v] = p >= 0 && (hidden[p] || grouped[p]) ? 1 : 0;
        if (!hidden[v]) visible++;
      }
    }

    var base = Math.max(2.5, Math.min(9, 70 / Math.sqrt(Math.min(n, BUDGET))));
    var graph = new graphology.Graph({ type: "directed", multi: false, allowSelfLoops: false });
    for (i = 0; i < n; i++) {
      var kind = N.kind[i];
      graph.addNode(N.id[i], {
        i: i,
        x: N.x[i],
        y: N.y[i],
        size: kind === "case" || kind === "hidden" ? base : base * 1.3,
        label: kind === "hidden" ? "" : N.label[i], // grey says it: no text repeated over
        color: kind === "case" ? colour[N.status[i]] || colour.confirmed
          : kind === "hidden" ? colour.hidden : colour.source,
      });
    }
    var S = data.edges.source;
    var T = data.edges.target;
    for (i = 0; i < S.length; i++) {
      graph.mergeEdge(N.id[S[i]], N.id[T[i]], { s: S[i], t: T[i], size: 1, color: colour.edge });
    }
    var focus = data.focus;
    if (focus >= 0) {
      var at = graph.getNodeAttributes(N.id[focus]);
      graph.mergeNodeAttributes(N.id[focus], { size: at.size * 1.8, forceLabel: true, color: colour.focus });
    }

    regroup();
    settle();
    performance.mark("chain-graph-built");

    // Sigma draws once when made: with nothing shown, so that the one real first frame is
    // framed on what is shown (not on the whole chain with its grouped branches).
    var ready = false;
    var renderer = new Sigma(graph, box, {
      defaultEdgeType: n <= 3000 ? "arrow" : "line",
      labelRenderedSizeThreshold: 8,
      labelFont: "system-ui, sans-serif",
      labelSize: 13,
      labelColor: { color: "#1b1f24" },
      hideEdgesOnMove: n > 5000,
      minCameraRatio: 0.001,
      maxCameraRatio: 4,
      zIndex: true,
      nodeReducer: function (key, attrs) {
        var v = attrs.i;
        if (!ready || hidden[v]) return Object.assign({}, attrs, { hidden: true });
        if (grouped[v]) {
          return Object.assign({}, attrs, {
            size: attrs.size * (1 + 0.5 * Math.log10(1 + below[v])),
            color: colour.group,
            label: (attrs.label ? attrs.label + " " : "") + "+" + numbers.format(below[v]),
            zIndex: 1,
          });
        }
        return attrs;
      },
      edgeReducer: function (key, attrs) {
        if (!ready || hidden[attrs.s] || hidden[attrs.t]) {
          return Object.assign({}, attrs, { hidden: true });
        }
        return attrs;
      },
    });

    function report() {
      var text = fill(strings.drawn, { nodes: n, edges: S.length });
      if (visible < n) text += " " + fill(strings.grouped, { shown: visible });
      say(text);
      box.dataset.nodes = String(n);
      box.dataset.shown = String(visible);
    }

    function redraw() {
      settle();
      renderer.refresh();
      report();
    }

    // Frame what is shown
    function frame() {
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (var v = 0; v < n; v++) {
        if (hidden[v]) continue;
        x0 = Math.min(x0, N.x[v]); x1 = Math.max(x1, N.x[v]);
        y0 = Math.min(y0, N.y[v]); y1 = Math.max(y1, N.y[v]);
      }
      var pad = Math.max(1, (x1 - x0) * 0.02, (y1 - y0) * 0.02);
      renderer.setCustomBBox({ x: [x0 - pad, x1 + pad], y: [y0 - pad, y1 + pad] });
      renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      ready = true;
      renderer.refresh();
    }

    performance.mark("chain-graph-made");
    frame();
    performance.mark("chain-graph-rendered");
    // The first frame is drawn; the browser paints it at the next frame.
    requestAnimationFrame(function () {
      performance.mark("chain-graph-drawn");
      box.dataset.drawn = "true";
    });
    report();

    renderer.on("clickNode", function (event) {
      var v = graph.getNodeAttribute(event.node, "i");
      if (grouped[v]) {
        group(v, UNFOLD);
        redraw();
      } else if (N.href[v]) {
        window.location.assign(N.href[v]);
      }
    });
    renderer.on("enterNode", function (event) {
      var v = graph.getNodeAttribute(event.node, "i");
      box.style.cursor = grouped[v] || N.href[v] ? "pointer" : "default";
    });
    renderer.on("leaveNode", function () {
      box.style.cursor = "default";
    });

    var camera = renderer.getCamera();
    var actions = {
      "zoom-in": function () { camera.animatedZoom({ duration: 200 }); },
      "zoom-out": function () { camera.animatedUnzoom({ duration: 200 }); },
      fit: function () { frame(); },
      expand: function () { grouped.fill(0); redraw(); frame(); },
      group: function () { regroup(); redraw(); frame(); },
    };
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-act]");
      if (button && actions[button.dataset.act]) actions[button.dataset.act]();
    });
    window.cordonChain = { renderer: renderer, graph: graph, nodes: n, shown: function () { return visible; } };
  }

  fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(draw)
    .catch(function () {
      box.hidden = true;
      say(strings.failed);
    });
})();
