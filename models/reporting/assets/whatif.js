// The offline what-if of the main report (models/reporting/whatif_offline.py): the
// surrogate (as models.analysis.surrogate.Surrogate.predict), the ranking (as
// models.analysis.metrics.ranking and MODES.rivals), the formats (as models.format and
// models.inputs.display.format_value) and the chart. The block's id replaces __ID__.
(function () {
  "use strict";
  var root = document.getElementById("__ID__");
  var D = JSON.parse(document.getElementById("__ID__-data").textContent);
  var S = D.surrogate, C = D.controls, M = D.modes, E = D.error;
  var d = C.length, K = D.outputs.length;
  var idx = {};
  D.outputs.forEach(function (n, k) { idx[n] = k; });
  var inputs = [].slice.call(root.querySelectorAll("input[type=range]"));

  // -- formats (models.format, models.inputs.display) ---------------------------------
  function esc(t) {
    return String(t).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  function grouped(a, dec) {
    return a.toLocaleString("en-US", { minimumFractionDigits: dec, maximumFractionDigits: dec });
  }
  function money(x) {  // fmt.money
    var a = Math.abs(x);
    return (x < 0 ? "\u2212" : "") + "$" + grouped(a, a >= 10 ? 0 : 1) + " m";
  }
  function pct(p) {  // fmt.pct
    if (p <= 0) return "0 %";
    if (p >= 1) return "100 %";
    if (p < 0.01) return "under 1 %";
    if (p > 0.99) return "over 99 %";
    return Math.round(p * 100) + " %";
  }
  function shown(v) {  // display._shown
    if (Math.abs(v) >= 10) return 1;
    for (var k = 1; k <= 2; k++) {
      var p = Math.pow(10, k);
      if (Math.abs(Math.round(v * p) / p - v) < 1e-9) return k;
    }
    return 3;
  }
  function show(c, v) {  // display.format_value with the slider's step
    var f = c.format, x = v * f.scale;
    var dec = f.exact ? Math.max(f.decimals, shown(v)) : f.decimals;
    return f.prefix + (f.grouped ? grouped(x, dec) : x.toFixed(dec)) + f.suffix;
  }
  function plain(c, v) {  // a value as a -p option or a YAML line reads it
    if (c.integer) return String(Math.round(v));
    var places = Math.max(0, -Math.floor(Math.log10(c.step) + 1e-9)) + 2;
    return v.toFixed(places).replace(/0+$/, "").replace(/\.$/, "");
  }

  // -- the surrogate (Surrogate.predict) ----------------------------------------------
  function predict(x) {
    var z = [], j, k, i;
    for (j = 0; j < d; j++) {
      var span = S.high[j] > S.low[j] ? S.high[j] - S.low[j] : 1;
      z.push((x[j] - S.low[j]) / span);
    }
    var f0 = S.anchor_values, add = f0.slice(), mul = f0.slice();
    for (j = 0; j < d; j++) {  // the lines, combined additively or multiplicatively
      var xs = S.lines[j][0], ys = S.lines[j][1], n = xs.length, a = 0, b = 0, w = 0;
      if (x[j] >= xs[n - 1]) {
        a = b = n - 1;
      } else if (x[j] > xs[0]) {
        for (b = 1; b < n && xs[b] < x[j]; b++);
        a = b - 1;
        w = xs[b] > xs[a] ? (x[j] - xs[a]) / (xs[b] - xs[a]) : 0;
      }
      for (k = 0; k < K; k++) {
        var fj = ys[a][k] + (ys[b][k] - ys[a][k]) * w;
        add[k] += fj - f0[k];
        if (S.multiplicative[k]) mul[k] *= fj / f0[k];
      }
    }
    var y = [], near = Infinity;
    for (k = 0; k < K; k++) y.push(S.multiplicative[k] ? mul[k] : add[k]);
    for (i = 0; i < S.centres.length; i++) {  // the residual: cubic kernel
      var c = S.centres[i], r2 = 0;
      for (j = 0; j < d; j++) { var q = z[j] - c[j]; r2 += q * q; }
      var r = Math.sqrt(r2), r3 = r * r * r, wi = S.weights[i];
      if (r < near) near = r;
      for (k = 0; k < K; k++) y[k] += wi[k] * r3;
    }
    for (k = 0; k < K; k++) {  // and its linear tail
      var t = S.tail[0][k];
      for (j = 0; j < d; j++) t += S.tail[j + 1][k] * z[j];
      y[k] += t;
    }
    return { y: y, near: near };
  }

  // -- the answer (metrics.ranking, MODES.rivals) -------------------------------------
  // a probability interpolated below half a future in n is none (and above, all)
  var half = 0.5 / D.n_paths;
  function probability(p) { return p < half ? 0 : (p > 1 - half ? 1 : p); }

  // at the start, the full model's own answer (the interpolation passes near it, not
  // through it: its ridge smooths)
  function answer(x, exact) {
    var p = predict(x), y = exact ? S.anchor_values : p.y;
    var modes = M.map(function (m) {
      return {
        name: m.name, label: m.label, words: m.words, colour: m.colour,
        commitment: m.commitment, rivals: m.rivals,
        mean: y[idx["mean:" + m.name]], p5: y[idx["p5:" + m.name]],
        p95: y[idx["p95:" + m.name]], ml: y[idx["ml:" + m.name]],
        baseline: m.baseline, reported: m.reported,
        loss: probability(y[idx["prob_loss:" + m.name]])
      };
    });
    modes.sort(function (a, b) {  // ties (to 1e-6) go to the less committing
      return (Math.round(b.mean * 1e6) - Math.round(a.mean * 1e6)) || a.commitment - b.commitment;
    });
    var rec = modes[0];
    var second = modes.filter(function (m, i) { return i > 0 && rec.rivals.indexOf(m.name) >= 0; })[0];
    var key = "se:" + rec.name + ":" + second.name;
    if (!(key in idx)) key = "se:" + second.name + ":" + rec.name;
    return {
      modes: modes, rec: rec, second: second, lead: rec.mean - second.mean,
      se: Math.max(0, y[idx[key]]), near: p.near
    };
  }
  function position() {
    return inputs.map(function (el, j) {
      var v = parseFloat(el.value);
      return C[j].integer ? Math.round(v) : v;
    });
  }
  function moved(x) {
    return C.filter(function (c, j) { return Math.abs(x[j] - c.value) > 1e-12; });
  }

  // -- the chart -----------------------------------------------------------------------
  function chart(a, start) {
    var W = 640, row = 34, top = 34, left = 150, right = 20;
    var H = top + row * a.modes.length + 40, lo = 0, hi = 0;
    a.modes.forEach(function (m) { lo = Math.min(lo, m.p5, m.ml); hi = Math.max(hi, m.p95, m.ml); });
    var pad = (hi - lo) * 0.05 || 1;
    lo -= pad; hi += pad;
    function X(v) { return left + (v - lo) / (hi - lo) * (W - left - right); }
    function line(x1, x2, y1, y2, colour, width) {
      return '<line x1="' + x1 + '" x2="' + x2 + '" y1="' + y1 + '" y2="' + y2 +
        '" stroke="' + colour + '" stroke-width="' + (width || 1) + '"/>';
    }
    var s = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H +
      '" role="img" aria-label="NPV by mode at this position">' +
      '<text x="0" y="14" font-weight="bold">NPV by mode if these values held (US$ m): ' +
      "bars the mean, whiskers P5 to P95, diamonds the most-likely case</text>";
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 4)));
    if ((hi - lo) / step > 10) step *= 2;
    if ((hi - lo) / step > 10) step *= 2.5;
    for (var t = Math.ceil(lo / step) * step; t <= hi; t += step) {
      s += line(X(t), X(t), top, H - 36, Math.abs(t) < 1e-9 ? "#444" : "#ddd") +
        '<text x="' + X(t) + '" y="' + (H - 22) + '" text-anchor="middle">' +
        esc(grouped(t, 0)) + "</text>";
    }
    s += '<text x="' + (left + W - right) / 2 + '" y="' + (H - 4) +
      '" text-anchor="middle">US$ millions</text>';
    a.modes.forEach(function (m, i) {
      var y = top + i * row, cy = y + row / 2, x0 = X(0), xm = X(m.mean), xd = X(m.ml);
      s += '<text x="' + (left - 8) + '" y="' + (cy + 4) + '" text-anchor="end">' +
        esc(m.label) + "</text>";
      s += '<rect x="' + Math.min(x0, xm) + '" y="' + (y + 6) + '" width="' + Math.abs(xm - x0) +
        '" height="' + (row - 12) + '" fill="' + m.colour + '"><title>' +
        esc(m.label + ": mean " + money(m.mean)) + "</title></rect>";
      s += line(X(m.p5), X(m.p95), cy, cy, "#444", 1.2) + line(X(m.p5), X(m.p5), cy - 5, cy + 5, "#444") +
        line(X(m.p95), X(m.p95), cy - 5, cy + 5, "#444");
      s += '<path d="M' + xd + " " + (cy - 6) + "L" + (xd + 6) + " " + cy + "L" + xd + " " +
        (cy + 6) + "L" + (xd - 6) + " " + cy + 'Z" fill="#222"><title>' +
        esc("most-likely case " + money(m.ml)) + "</title></path>";
      if (start) {
        var sm = start.modes.filter(function (q) { return q.name === m.name; })[0];
        s += '<circle cx="' + X(sm.mean) + '" cy="' + cy +
          '" r="6" fill="none" stroke="#888" stroke-width="2"><title>' +
          esc("at the scenario's values " + money(sm.mean)) + "</title></circle>";
      }
    });
    return s + "</svg>";
  }

  // -- what the reader sees ------------------------------------------------------------
  var start = answer(C.map(function (c) { return c.value; }), true);
  function update() {
    var t0 = performance.now(), x = position(), mv = moved(x), a = answer(x, mv.length === 0), j;
    for (j = 0; j < d; j++) {
      var note = Math.abs(x[j] - C[j].value) > 1e-12 ?
        " (scenario: " + esc(show(C[j], C[j].value)) + ")" : "";
      root.querySelector("#" + inputs[j].id + "-v").innerHTML =
        "<b>" + esc(show(C[j], x[j])) + "</b>" + note;
    }
    // the interpolation's error: none at the start, one slider's or several's elsewhere
    var err = mv.length === 0 ? 0 : (mv.length === 1 ? E.one_lead : E.several_lead) || 0;
    var close = Math.abs(a.lead) < 2 * a.se + err;
    var lines = ["<b>Recommendation:</b> " + (close ? "too close to call: " : "") +
      esc(a.rec.label) + ", mean NPV " + money(a.rec.mean) + " (P5 " + money(a.rec.p5) +
      " to P95 " + money(a.rec.p95) + "), " + money(a.lead) + " ahead of " + esc(a.second.words) +
      " (± " + money(2 * a.se) + " Monte Carlo" + (err ? ", ± " + money(err) + " interpolation" : "") + ")."];
    a.modes.forEach(function (m) {
      var none = !m.baseline && Math.max(Math.abs(m.mean), Math.abs(m.p5), Math.abs(m.p95)) < 0.05;
      lines.push(none ?
        esc(m.label) + ": not started (the go decision turns it down); its most-likely case " +
        "if started: " + money(m.ml) + "." :
        esc(m.label) + ": mean NPV " + money(m.mean) + ", P5 " + money(m.p5) + " to P95 " +
        money(m.p95) + ", loses money in " + pct(m.loss) + " of futures.");
    });
    if (mv.length) {
      lines.push("Moved: " + mv.map(function (c) {
        return esc(c.label) + " " + esc(show(c, x[C.indexOf(c)]));
      }).join("; ") + ".");
    } else {
      lines.push("At the scenario's values, these inputs known at their most likely values" +
        (a.rec.reported === null ? "." : "; the table above, where they are uncertain, has " +
        esc(a.rec.words) + " at " + money(a.rec.reported) + "."));
    }
    root.querySelector(".me-wi-answer").innerHTML = "<p>" + lines.join("<br>") + "</p>";
    var warn = [];
    if (a.near > E.reach + 1e-9) {
      warn.push("This position is farther from the positions the full model ran at than any " +
        "where the interpolation's error was measured: its error here is unknown. Run the " +
        "full model (below) before relying on it.");
    }
    if (err && Math.abs(a.lead) < err) {
      warn.push("The lead (" + money(a.lead) + ") is smaller than the interpolation's error (± " +
        money(err) + "): the full model may rank " + esc(a.rec.words) + " and " +
        esc(a.second.words) + " the other way here. Run it (below).");
    }
    root.querySelector(".me-wi-warn").innerHTML =
      warn.map(function (w) { return "<p>" + w + "</p>"; }).join("");
    root.querySelector(".me-wi-chart").innerHTML = chart(a, mv.length ? start : null);
    root.querySelector(".me-wi-p").textContent = C.map(function (c, jj) {
      return "-p " + c.name + " " + plain(c, x[jj]);
    }).join(" ");
    root.querySelector(".me-wi-yaml").textContent = D.scenario_yaml + C.map(function (c, jj) {
      return c.name + ": " + plain(c, x[jj]);
    }).join("\n") + "\n";
    root.dataset.recommended = a.rec.name;
    root.dataset.ms = (performance.now() - t0).toFixed(2);
  }

  inputs.forEach(function (el) { el.addEventListener("input", update); });
  root.querySelector(".me-wi-reset").addEventListener("click", function () {
    inputs.forEach(function (el, j) { el.value = C[j].value; });
    update();
  });
  root.querySelector(".me-wi-copy").addEventListener("click", function () {
    var code = root.querySelector(".me-wi-p");
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.textContent).catch(function () {});
    }
    var range = document.createRange(), sel = window.getSelection();
    range.selectNodeContents(code);  // selected too, where the clipboard is refused
    sel.removeAllRanges();
    sel.addRange(range);
  });
  root.meWhatIf = { predict: function (x) { return predict(x).y; }, answer: answer, update: update };
  update();
})();
