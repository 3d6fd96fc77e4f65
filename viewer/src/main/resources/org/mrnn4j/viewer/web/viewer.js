// mrnn4j view: the page. Plain JavaScript on D3 (served by the viewer at /assets/d3.min.js).
// It asks the viewer's JSON API (/api/model, /api/field, /api/fixed-points, /api/spectrum,
// /api/continuation) and draws what comes back; it computes nothing of the model itself.
'use strict';
(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const client = 'p' + Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  let seq = 0;
  const inflight = {};   // request kind -> AbortController of its newest request
  const errors = {};     // request kind -> the last error message, until that kind succeeds

  // Counters read by the browser tests (and handy in the console).
  const V = window.mrnn4jViewer = {
    fieldsDrawn: 0, lastFieldSeq: -1, lastDrawMs: null, firstDrawMs: null,
    fixedPointsDrawn: 0, spectraDrawn: 0, modesDrawn: 0, continuationsDrawn: 0, errors: 0,
  };

  const S = {
    model: null, state: 0, u: [], uEdited: false, regions: [], cancel: false, plane: 'pca', through: 'mean',
    grid: 40, show: 'both',
    planeKey: null,          // the plane of the drawn field (regions, silencing, plane, through)
    originX: null, originY: null, transform: d3.zoomIdentity,
    field: null, fps: null, selectedFp: null, spectrum: null, mode: null, cont: null,
  };

  const $ = (sel) => document.querySelector(sel);
  const fmt = (v, d = 3) => (v == null || !isFinite(v)) ? '–' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(2) : (+v.toFixed(d)).toString();

  // ---------------------------------------------------------------- status and requests
  function showStatus() {
    const kinds = Object.keys(errors);
    $('#status').textContent = kinds.length ? errors[kinds[kinds.length - 1]] : '';
  }
  function fail(kind, message) {
    delete errors[kind];
    errors[kind] = message;
    V.errors++;
    showStatus();
  }
  function ok(kind) {
    if (kind in errors) { delete errors[kind]; showStatus(); }
  }
  function info(text) { $('#info').textContent = text; }

  /**
   * POSTs (or GETs, without body) one request of a kind; a newer request of the same kind aborts
   * the older. Returns the answer, or null when it was superseded (aborted, or 204 from the
   * server) or failed (the failure is shown in the status line).
   */
  async function api(kind, path, body) {
    if (inflight[kind]) inflight[kind].abort();
    const ctl = new AbortController();
    inflight[kind] = ctl;
    const headers = { 'X-Mrnn4j-Token': token };
    let payload;
    if (body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(Object.assign({ client: client, seq: ++seq }, body));
    }
    try {
      const resp = await fetch(path, { method: body ? 'POST' : 'GET', headers, body: payload, signal: ctl.signal });
      if (resp.status === 204) return null;                 // superseded on the server
      let data = null;
      try { data = await resp.json(); } catch (e) { if (ctl.signal.aborted) return null; }
      if (ctl.signal.aborted) return null;                  // superseded here meanwhile
      if (!resp.ok) {
        fail(kind, `${path}: ${data && data.error ? data.error : 'HTTP ' + resp.status}`);
        return null;
      }
      if (data == null) { fail(kind, `${path}: HTTP ${resp.status} with an unreadable answer`); return null; }
      ok(kind);
      return data;
    } catch (e) {
      if (e.name === 'AbortError') return null;
      fail(kind, `${path}: ${e.message} (is mrnn4j view still running?)`);
      return null;
    } finally {
      if (inflight[kind] === ctl) delete inflight[kind];
    }
  }

  /** The plane's parameters, sent with every field, fixed-point and spectrum request. */
  function planeParams() {
    const all = S.model.regions.map((r) => r.name);
    const regions = S.regions.length === all.length ? [] : S.regions.slice();
    return { regions, cancel_others: S.cancel, plane: S.plane, through: S.through, state: S.state };
  }
  function planeKey() {
    return JSON.stringify([S.regions, S.cancel, S.plane, S.through, S.through === 'state' ? S.state : null]);
  }
  function shownFields() {
    return S.show === 'both' ? ['nonlinear', 'linear'] : [S.show];
  }

  // ---------------------------------------------------------------- the field panels
  const M = { left: 62, right: 14, top: 60, bottom: 46 };
  const panels = {};
  function makePanel(kind) {
    const div = $('#field-' + kind);
    const W = div.clientWidth, H = div.clientHeight;
    const w = W - M.left - M.right, h = H - M.top - M.bottom;
    const ratio = window.devicePixelRatio || 1;
    const canvas = d3.select(div).append('canvas')
      .attr('width', w * ratio).attr('height', h * ratio)
      .style('left', M.left + 'px').style('top', M.top + 'px')
      .style('width', w + 'px').style('height', h + 'px');
    const svg = d3.select(div).append('svg').attr('width', W).attr('height', H);
    svg.append('defs').append('clipPath').attr('id', 'clip-' + kind)
      .append('rect').attr('width', w).attr('height', h);
    svg.append('rect').attr('class', 'frame').attr('x', M.left).attr('y', M.top)
      .attr('width', w).attr('height', h).attr('fill', 'none').attr('stroke', '#999');
    const title = svg.append('text').attr('class', 'panel-title').attr('x', M.left).attr('y', 13);
    const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${W - M.right - 150},30)`);
    const gx = svg.append('g').attr('class', 'axis x').attr('transform', `translate(${M.left},${M.top + h})`);
    const gy = svg.append('g').attr('class', 'axis y').attr('transform', `translate(${M.left},${M.top})`);
    const xl = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle')
      .attr('x', M.left + w / 2).attr('y', H - 8);
    const yl = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle')
      .attr('transform', `translate(14,${M.top + h / 2}) rotate(-90)`);
    const overlay = svg.append('g').attr('transform', `translate(${M.left},${M.top})`)
      .attr('clip-path', `url(#clip-${kind})`);
    const p = { kind, div, canvas: canvas.node(), ratio, svg, w, h, title, legend, gx, gy, xl, yl, overlay };
    svg.call(zoom).on('dblclick.zoom', null);
    panels[kind] = p;
  }

  const zoom = d3.zoom().scaleExtent([1e-4, 1e5]).on('zoom', (e) => {
    if (!S.originX) return;
    S.transform = e.transform;
    for (const k in panels) panels[k].svg.node().__zoom = e.transform;   // both panels show one window
    drawFields();
    if (e.sourceEvent) scheduleField();
  });

  function curX() { return S.transform.rescaleX(S.originX); }
  function curY() { return S.transform.rescaleY(S.originY); }

  function setOrigin(x, y) {
    const p = panels.nonlinear;
    S.originX = d3.scaleLinear().domain([x[0], x[x.length - 1]]).range([0, p.w]);
    S.originY = d3.scaleLinear().domain([y[0], y[y.length - 1]]).range([p.h, 0]);
    S.transform = d3.zoomIdentity;
    for (const k in panels) panels[k].svg.node().__zoom = d3.zoomIdentity;
  }

  let fieldScheduled = false;
  // for the tests: whether a field is asked for or on its way, and the drawn window [x0, x1, y0, y1]
  Object.defineProperty(V, 'fieldPending', { get: () => fieldScheduled || !!inflight.field });
  Object.defineProperty(V, 'selectedFp', { get: () => S.selectedFp });
  V.window = () => (S.originX ? curX().domain().concat(curY().domain()) : null);
  function scheduleField() {
    if (fieldScheduled) return;
    fieldScheduled = true;
    requestAnimationFrame(() => { fieldScheduled = false; requestField(); });
  }

  async function requestField(resetWindow) {
    if (!S.model) return;
    if (!S.regions.length) { fail('field', 'choose at least one region for the plane'); return; }
    const key = planeKey();
    const reset = resetWindow || key !== S.planeKey || !S.originX;
    const body = Object.assign(planeParams(), uParam(), { grid: S.grid, fields: shownFields() });
    if (!reset) {
      const [x0, x1] = curX().domain(), [y0, y1] = curY().domain();
      body.center = [(x0 + x1) / 2, (y0 + y1) / 2];
      body.half = [Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2];
    }
    const t0 = performance.now();
    const data = await api('field', '/api/field', body);
    if (!data) return;
    if (reset) { S.planeKey = key; setOrigin(data.x, data.y); }
    S.field = data;
    drawFields();
    const t1 = performance.now();
    V.fieldsDrawn++;
    V.lastFieldSeq = data.seq;
    V.lastDrawMs = t1 - t0;
    if (V.firstDrawMs == null) V.firstDrawMs = t1;
    for (const k in panels) panels[k].div.dataset.seq = data.seq;
    info(`field: ${data.x.length} x ${data.y.length}, ${fmt(data.seconds * 1000, 1)} ms on the server, ` +
      `drawn ${fmt(t1 - t0, 1)} ms after the request`);
  }

  function speedMax() {
    let m = 0;
    for (const k of ['nonlinear', 'linear']) {
      const f = S.field && S.field[k];
      if (!f || !panelShown(k)) continue;
      for (const row of f.speed) for (const s of row) if (s != null && s > m) m = s;
    }
    return m > 0 ? m : 1;
  }
  function panelShown(kind) { return S.show === 'both' || S.show === kind; }

  function drawFields() {
    if (!S.field || !S.originX) return;
    const color = d3.scaleSequential(d3.interpolateViridis).domain([0, speedMax()]);
    for (const k in panels) if (panelShown(k)) drawPanel(panels[k], S.field[k], color);
  }

  function drawPanel(p, f, color) {
    const x = curX(), y = curY(), data = S.field;
    const ctx = p.canvas.getContext('2d');
    ctx.setTransform(p.ratio, 0, 0, p.ratio, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, p.w, p.h);
    if (f) {
      const cell = Math.min(Math.abs(x(data.x[1]) - x(data.x[0])), Math.abs(y(data.y[1]) - y(data.y[0])));
      const maxLen = Math.max(2, cell * 0.9), smax = color.domain()[1];
      const sx = (x.range()[1] - x.range()[0]) / (x.domain()[1] - x.domain()[0]);
      const sy = (y.range()[1] - y.range()[0]) / (y.domain()[1] - y.domain()[0]);
      ctx.lineWidth = 1.2;
      for (let j = 0; j < data.y.length; j++) {
        const py = y(data.y[j]);
        if (py < -cell || py > p.h + cell) continue;
        for (let i = 0; i < data.x.length; i++) {
          const px = x(data.x[i]);
          if (px < -cell || px > p.w + cell) continue;
          const vx = f.vx[j][i], vy = f.vy[j][i], s = f.speed[j][i];
          if (vx == null || vy == null || s == null) continue;
          const dx = vx * sx, dy = vy * sy, n = Math.hypot(dx, dy);
          const len = Math.max(1.5, maxLen * Math.min(1, s / smax));
          ctx.strokeStyle = ctx.fillStyle = color(s);
          if (n === 0) { ctx.fillRect(px - 1, py - 1, 2, 2); continue; }
          const ux = dx / n, uy = dy / n;
          const x0 = px - ux * len / 2, y0 = py - uy * len / 2, x1 = px + ux * len / 2, y1 = py + uy * len / 2;
          const hl = Math.min(5, len * 0.4);
          ctx.beginPath();
          ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
          ctx.moveTo(x1 - ux * hl - uy * hl * 0.5, y1 - uy * hl + ux * hl * 0.5);
          ctx.lineTo(x1, y1);
          ctx.lineTo(x1 - ux * hl + uy * hl * 0.5, y1 - uy * hl - ux * hl * 0.5);
          ctx.stroke();
        }
      }
    }
    // axes, labelled with the plane's axes
    p.gx.call(d3.axisBottom(x).ticks(6));
    p.gy.call(d3.axisLeft(y).ticks(6));
    p.xl.text(data.axes ? data.axes[0] : 'axis 1');
    p.yl.text(data.axes ? data.axes[1] : 'axis 2');
    // the title: a second line for what the linear field holds (cancel_others: the other
    // regions held at the state, as mRNNTorch's, while the nonlinear field silences them)
    const [at, ...held] = (data.linear_at || 'the state').split('; ');
    const lines = p.kind === 'nonlinear' ? ['Nonlinear field']
      : held.length ? [`Linear field (Jacobian at ${at};`, `${held.join('; ')})`] : [`Linear field (Jacobian at ${at})`];
    if (!f) lines[lines.length - 1] += ': not computed';
    p.title.text(null).selectAll('tspan').remove();
    lines.forEach((line, i) => p.title.append('tspan').attr('x', M.left).attr('dy', i ? 14 : 0)
      .attr('class', i ? 'panel-subtitle' : null).text(line));
    drawLegend(p, color);
    drawOverlay(p, x, y);
  }

  function drawLegend(p, color) {
    const g = p.legend, wbar = 110, max = color.domain()[1];
    g.selectAll('*').remove();
    const id = 'grad-' + p.kind;
    const grad = g.append('defs').append('linearGradient').attr('id', id);
    for (let t = 0; t <= 1.0001; t += 0.1) {
      grad.append('stop').attr('offset', t).attr('stop-color', color(t * max));
    }
    g.append('text').attr('x', 0).attr('y', 12).text('speed');
    g.append('rect').attr('x', 36).attr('y', 3).attr('width', wbar).attr('height', 10).attr('fill', `url(#${id})`);
    const sc = d3.scaleLinear().domain([0, max]).range([36, 36 + wbar]);
    g.append('g').attr('transform', 'translate(0,13)').call(d3.axisBottom(sc).ticks(3).tickSize(3).tickFormat(d3.format('.2~g')))
      .call((a) => a.select('.domain').remove());
  }

  function drawOverlay(p, x, y) {
    const g = p.overlay, data = S.field;
    g.selectAll('*').remove();
    if (data.trajectory && data.trajectory.length) {
      g.append('path').attr('d', d3.line().x((d) => x(d[0])).y((d) => y(d[1]))(data.trajectory))
        .attr('fill', 'none').attr('stroke', '#d0307a').attr('stroke-width', 1.6).attr('opacity', 0.85);
      const s0 = data.trajectory[0];
      g.append('rect').attr('x', x(s0[0]) - 3.5).attr('y', y(s0[1]) - 3.5).attr('width', 7).attr('height', 7)
        .attr('fill', '#d0307a').append('title').text('first state of the trajectory');
    }
    if (data.state_xy) {
      g.append('circle').attr('class', 'state-dot').attr('cx', x(data.state_xy[0])).attr('cy', y(data.state_xy[1]))
        .attr('r', 6).attr('fill', '#ff6a00').attr('stroke', '#000').attr('stroke-width', 1.2)
        .append('title').text(stateLabel());
    }
    const mode = S.mode, proj = mode && mode.projection;
    if (proj) {
      const from = S.spectrum && S.spectrum.sourceXY;
      if (from) {
        const [hx, hy] = [Math.abs(x.domain()[1] - x.domain()[0]) / 2, Math.abs(y.domain()[1] - y.domain()[0]) / 2];
        const big = Math.max(Math.hypot(proj.re[0], proj.re[1]), Math.hypot(proj.im[0], proj.im[1]), 1e-300);
        const scale = 0.4 * Math.min(hx, hy) / big;
        const arrow = (v, colr, name) => {
          const x0 = x(from[0]), y0 = y(from[1]);
          const x1 = x(from[0] + v[0] * scale), y1 = y(from[1] + v[1] * scale);
          g.append('line').attr('x1', x0).attr('y1', y0).attr('x2', x1).attr('y2', y1)
            .attr('stroke', colr).attr('stroke-width', 2.5).attr('marker-end', null);
          g.append('circle').attr('cx', x1).attr('cy', y1).attr('r', 3).attr('fill', colr);
          const end = x1 > p.w - 40;   // near the right edge: the label goes to the left
          g.append('text').attr('class', 'halo').attr('x', end ? x1 - 4 : x1 + 4).attr('y', y1 - 4)
            .attr('text-anchor', end ? 'end' : 'start').attr('fill', colr).text(name);
        };
        arrow(proj.re, '#c0392b', 'Re v');
        if (Math.hypot(proj.im[0], proj.im[1]) > 0) arrow(proj.im, '#2471a3', 'Im v');
      }
    }
    if (S.fps) {
      // labels placed greedily where they overlap no other label (the selected and on-plane points
      // first); where no place is free, only the number is shown (the list has the rest)
      const boxes = S.fps.map((fp) => ({ x0: x(fp.x) - 7, x1: x(fp.x) + 7, y0: y(fp.y) - 7, y1: y(fp.y) + 7 }));
      const free = (b) => boxes.every((o) => b.x1 < o.x0 || b.x0 > o.x1 || b.y1 < o.y0 || b.y0 > o.y1);
      const order = S.fps.slice().sort((a, b) => (b.number === S.selectedFp) - (a.number === S.selectedFp)
        || b.on_plane - a.on_plane || a.off_plane - b.off_plane);
      for (const fp of order) {
        const on = fp.on_plane, col = on ? '#111' : '#888', sel = S.selectedFp === fp.number;
        const px = x(fp.x), py = y(fp.y);
        const m = g.append('g').attr('class', 'fp-marker').attr('data-fp', fp.number)
          .attr('transform', `translate(${px},${py})`)
          .on('click', (e) => { e.stopPropagation(); selectFp(fp.number); });
        m.append('circle').attr('r', sel ? 8 : 6)
          .attr('fill', fp.stable ? col : '#fff').attr('stroke', sel ? '#e0a000' : col)
          .attr('stroke-width', sel ? 3 : 2);
        let label = on ? String(fp.number) : `${fp.number} (d = ${(+fp.off_plane).toPrecision(2)})`;
        let placed = null;
        for (const text of [label, String(fp.number)]) {
          const w = 6.6 * text.length + 2;
          for (const [dx, dy, anchor] of [[9, -5, 'start'], [-9, -5, 'end'], [9, 13, 'start'], [-9, 13, 'end']]) {
            const x0 = anchor === 'start' ? px + dx : px + dx - w;
            const b = { x0, x1: x0 + w, y0: py + dy - 10, y1: py + dy + 2 };
            if (b.x0 >= 0 && b.x1 <= p.w && b.y0 >= 0 && b.y1 <= p.h && free(b)) { placed = [dx, dy, anchor, b, text]; break; }
          }
          if (placed) break;
        }
        if (placed) {
          boxes.push(placed[3]);
          m.append('text').attr('x', placed[0]).attr('y', placed[1]).attr('fill', col)
            .attr('text-anchor', placed[2]).text(placed[4]);
        }
        m.append('title').text(`fixed point ${fp.number}: ${fp.label}, ${fp.unstable} unstable, ` +
          `spectral radius ${fmt(fp.spectral_radius, 4)}, ${fmt(fp.off_plane, 3)} from the plane` +
          (on ? ' (on the plane)' : ' (off the plane: drawn at its projection)'));
      }
    }
  }

  // ---------------------------------------------------------------- states, regions, inputs
  function stateLabel() {
    const labels = S.model.states.labels || [];
    return `state ${S.state} of ${S.model.states.count - 1}: ${labels[S.state] || ''}`;
  }
  function setState(k) {
    k = Math.max(0, Math.min(S.model.states.count - 1, k));
    if (k === S.state) return;
    S.state = k;
    $('#state-slider').value = k;
    $('#state-label').textContent = stateLabel();
    scheduleField();
    if (S.through === 'state') planeChanged(false);
    if (S.selectedFp == null) scheduleSpectrum();
    showStateInput();
  }

  /**
   * The input sent with a request: none (the server takes the state's own input, as flow-field
   * does) until the user edited it; then the edited one.
   */
  function uParam() {
    return S.uEdited ? { u: S.u } : {};
  }

  /** The shown window's half-widths (what "on the plane" is measured against), once drawn. */
  function windowHalf() {
    if (!S.originX || !S.field) return {};
    const [x0, x1] = curX().domain(), [y0, y1] = curY().domain();
    return { half: [Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2] };
  }

  /** While the input is not edited, the boxes show the state's own input (when it has one). */
  function showStateInput() {
    const own = S.model.states.inputs;
    if (S.uEdited || !own || !own[S.state]) return;
    S.u = own[S.state].slice();
    S.u.forEach((v, i) => { const el = $('#u-' + i); if (el) el.value = v; });
  }

  /** Something the plane depends on changed: the fixed points and the mode are re-projected. */
  function planeChanged(field = true) {
    if (field) scheduleField();
    if (S.fps) requestFixedPoints();
    // the spectrum is of the plane regions' Jacobian: asked again for the new regions
    if (S.mode) requestSpectrum(S.mode.index);
    else if (S.spectrum) scheduleSpectrum();
  }

  function buildControls() {
    const m = S.model;
    $('#model-name').textContent = m.name;
    $('#model-info').textContent = `${m.kind}, ${m.num_units} units in ${m.regions.length} regions ` +
      `(${m.regions.map((r) => r.name + ' ' + r.units).join(', ')}), ${m.num_inputs} inputs, ` +
      `${m.states.count} states, backend ${m.backend}`;
    const slider = $('#state-slider');
    slider.max = m.states.count - 1;
    slider.value = 0;
    slider.addEventListener('input', () => setState(+slider.value));
    $('#state-label').textContent = stateLabel();
    document.addEventListener('keydown', (e) => {
      const t = e.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (e.key === 'ArrowLeft') { setState(S.state - 1); e.preventDefault(); }
      if (e.key === 'ArrowRight') { setState(S.state + 1); e.preventDefault(); }
    });

    const regions = $('#regions');
    for (const r of m.regions) {
      const lab = document.createElement('label');
      lab.className = 'check';
      lab.innerHTML = `<input type="checkbox" id="region-${r.name}" checked> ${r.name} <span class="hint">(${r.units})</span>`;
      regions.appendChild(lab);
      lab.querySelector('input').addEventListener('change', regionsChanged);
    }
    S.regions = m.regions.map((r) => r.name);
    $('#cancel-others').addEventListener('change', (e) => { S.cancel = e.target.checked; planeChanged(); });

    const inputs = $('#inputs');
    S.u = (m.states.inputs ? m.states.inputs[S.state] : m.u || []).slice();
    while (S.u.length < m.num_inputs) S.u.push(0);
    S.u.forEach((v, i) => {
      const el = document.createElement('input');
      el.type = 'text';
      el.inputMode = 'decimal';
      el.id = 'u-' + i;
      el.value = v;
      el.title = `input ${i}`;
      el.addEventListener('keydown', (e) => { if (e.key === 'Enter') inputChanged(el, i); });
      el.addEventListener('blur', () => inputChanged(el, i));
      inputs.appendChild(el);
    });

    $('#show-fields').addEventListener('change', (e) => {
      S.show = e.target.value;
      for (const k in panels) panels[k].div.classList.toggle('hidden', !panelShown(k));
      requestField();
    });
    $('#grid').addEventListener('change', (e) => {
      const g = Number(e.target.value);
      if (!Number.isInteger(g)) { fail('field', `grid must be a whole number, got '${e.target.value}'`); return; }
      S.grid = g;
      requestField();
    });
    $('#reset-window').addEventListener('click', () => requestField(true));
    $('#plane').addEventListener('change', (e) => { S.plane = e.target.value; planeChanged(); });
    $('#through').addEventListener('change', (e) => { S.through = e.target.value; planeChanged(); });
    $('#find-fp').addEventListener('click', () => requestFixedPoints());
    $('#spectrum-state').addEventListener('click', () => selectFp(null));
    $('#continue').addEventListener('click', requestContinuation);
    if (!m.continuation) {
      $('#continue').disabled = true;
      $('#continuation-note').textContent = 'the continuation analysis is not available for this model';
    }
  }

  function regionsChanged() {
    S.regions = S.model.regions.map((r) => r.name).filter((n) => $('#region-' + CSS.escape(n)).checked);
    if (!S.regions.length) { fail('field', 'choose at least one region for the plane'); return; }
    planeChanged();
  }

  function inputChanged(el, i) {
    const text = el.value.trim();
    const v = text === '' ? NaN : Number(text);
    if (!isFinite(v)) {
      el.classList.add('invalid');
      fail('input', `input u[${i}] must be a finite number, got '${el.value}'`);
      return;
    }
    el.classList.remove('invalid');
    ok('input');
    if (v === S.u[i]) return;
    S.u[i] = v;
    S.uEdited = true;   // from now on every request carries the edited input
    if (S.plane.startsWith('eigen:') || S.through.startsWith('fp:')) {
      // the plane names a fixed point: the server draws it only once the fixed points at the
      // new input are found (409 before), so they are asked for first
      requestFixedPoints().then(() => scheduleField());
    } else {
      scheduleField();
      if (S.fps) requestFixedPoints();
    }
    if (S.selectedFp != null) selectFp(null);   // the fixed points of the old input are gone
    else scheduleSpectrum();
    if (S.cont) drawContinuation();
  }

  // ---------------------------------------------------------------- fixed points
  async function requestFixedPoints() {
    $('#find-fp').disabled = true;
    $('#fp-summary').textContent = 'searching…';
    const data = await api('fp', '/api/fixed-points', Object.assign(planeParams(), uParam(), windowHalf()));
    $('#find-fp').disabled = false;
    if (!data) { $('#fp-summary').textContent = ''; return; }
    S.fps = data.points;
    if (S.selectedFp != null && !S.fps.some((p) => p.number === S.selectedFp)) selectFp(null);
    $('#fp-summary').textContent = `${S.fps.length} fixed point${S.fps.length === 1 ? '' : 's'} at u = ` +
      `[${data.u.map((v) => fmt(v)).join(', ')}] (${fmt(data.seconds, 2)} s)`;
    fillFpTable();
    fillPlaneOptions();
    drawFields();
    V.fixedPointsDrawn++;
  }

  function fillFpTable() {
    const tb = $('#fp-list tbody');
    tb.innerHTML = '';
    $('#fp-list').classList.add('shown');
    for (const fp of S.fps) {
      const tr = document.createElement('tr');
      tr.dataset.fp = fp.number;
      if (fp.number === S.selectedFp) tr.className = 'selected';
      const cells = [fp.number, fp.label, fp.unstable, fmt(fp.spectral_radius, 4),
        fp.on_plane ? `${fmt(fp.off_plane, 3)} (on)` : fmt(fp.off_plane, 3), fmt(fp.q)];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.appendChild(td);
      }
      tr.addEventListener('click', () => selectFp(fp.number));
      tb.appendChild(tr);
    }
  }

  function fillPlaneOptions() {
    const keep = (sel, base, extra, value) => {
      sel.innerHTML = '';
      for (const [v, t] of base.concat(extra)) {
        const o = document.createElement('option');
        o.value = v; o.textContent = t;
        sel.appendChild(o);
      }
      sel.value = [...sel.options].some((o) => o.value === value) ? value : base[0][0];
      return sel.value;
    };
    const plane = keep($('#plane'), [['pca', 'PCA of the trajectory']],
      S.fps.map((p) => [`eigen:${p.number}`, `leading eigenvectors of fixed point ${p.number}`]), S.plane);
    const through = keep($('#through'), [['mean', "the trajectory's mean"], ['state', 'the current state']],
      S.fps.map((p) => [`fp:${p.number}`, `fixed point ${p.number}`]), S.through);
    if (plane !== S.plane || through !== S.through) { S.plane = plane; S.through = through; scheduleField(); }
  }

  function selectFp(k) {
    if (k != null && k === S.selectedFp) k = null;   // a second click deselects
    S.selectedFp = k;
    document.querySelectorAll('#fp-list tbody tr').forEach((tr) =>
      tr.classList.toggle('selected', k != null && +tr.dataset.fp === k));
    S.mode = null;
    $('#participation').innerHTML = '';
    drawFields();
    requestSpectrum();
  }

  // ---------------------------------------------------------------- spectrum and modes
  let spectrumTimer = null;
  function scheduleSpectrum() {
    clearTimeout(spectrumTimer);
    spectrumTimer = setTimeout(() => requestSpectrum(S.mode ? S.mode.index : undefined), 60);
  }

  async function requestSpectrum(mode) {
    const source = S.selectedFp != null ? `fp:${S.selectedFp}` : `state:${S.state}`;
    const body = Object.assign(planeParams(), uParam(), { source });
    if (mode != null) body.mode = mode;
    const data = await api('spectrum', '/api/spectrum', body);
    if (!data) return;
    const fp = S.selectedFp != null && S.fps ? S.fps.find((p) => p.number === S.selectedFp) : null;
    data.sourceXY = fp ? [fp.x, fp.y] : (S.field ? S.field.state_xy : null);
    S.spectrum = data;
    S.mode = data.mode || null;
    drawSpectrum();
    V.spectraDrawn++;
    if (S.mode) { drawParticipation(); V.modesDrawn++; } else $('#participation').innerHTML = '';
    drawFields();
  }

  function drawSpectrum() {
    const sp = S.spectrum, svg = d3.select('#spectrum');
    svg.selectAll('*').remove();
    // a subset of regions: the sub-Jacobian of those, the others held (named in the title);
    // only the leading modes computed (a large network): the unstable ones counted are a floor
    const subset = sp.regions && S.model && sp.regions.length < S.model.regions.length
      ? ` (${sp.regions.join(', ')} only, others held)` : '';
    $('#spectrum-title').textContent = `Spectrum of ${sp.source}${subset}: spectral radius ${fmt(sp.spectral_radius, 4)}, ` +
      `${sp.leading_only ? 'at least ' : ''}${sp.unstable} unstable`;
    const W = +svg.attr('width'), H = +svg.attr('height'), m = { l: 46, r: 12, t: 10, b: 36 };
    let r = 1.1;
    for (const [re, im] of sp.eigenvalues) if (re != null && im != null) r = Math.max(r, 1.08 * Math.hypot(re, im));
    const size = Math.min(W - m.l - m.r, H - m.t - m.b);
    const x = d3.scaleLinear().domain([-r, r]).range([m.l, m.l + size]);
    const y = d3.scaleLinear().domain([-r, r]).range([m.t + size, m.t]);
    svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${m.t + size})`).call(d3.axisBottom(x).ticks(5));
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.l},0)`).call(d3.axisLeft(y).ticks(5));
    svg.append('text').attr('class', 'axis-label').attr('x', m.l + size / 2).attr('y', H - 4)
      .attr('text-anchor', 'middle').text('Re λ');
    svg.append('text').attr('class', 'axis-label').attr('transform', `translate(12,${m.t + size / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle').text('Im λ');
    svg.append('line').attr('x1', x(-r)).attr('x2', x(r)).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#ddd');
    svg.append('line').attr('x1', x(0)).attr('x2', x(0)).attr('y1', y(-r)).attr('y2', y(r)).attr('stroke', '#ddd');
    svg.append('circle').attr('class', 'unit-circle').attr('cx', x(0)).attr('cy', y(0)).attr('r', x(1) - x(0))
      .attr('fill', 'none').attr('stroke', '#888').attr('stroke-dasharray', '4 3');
    svg.append('text').attr('x', x(0.72)).attr('y', y(0.72)).attr('fill', '#888').attr('font-size', 11).text('|λ| = 1');
    // the leading eigenvalues (small indices) drawn last, on top where points overlap
    sp.eigenvalues.map((e, k) => [e, k]).reverse().forEach(([[re, im], k]) => {
      if (re == null || im == null) return;
      const unstable = Math.hypot(re, im) > 1;
      const sel = S.mode && S.mode.index === k;
      svg.append('circle').attr('data-eig', k).attr('cx', x(re)).attr('cy', y(im)).attr('r', sel ? 6.5 : 4.5)
        .attr('fill', unstable ? '#c0392b' : '#2e6db0').attr('fill-opacity', 0.8)
        .attr('stroke', sel ? '#e0a000' : '#fff').attr('stroke-width', sel ? 3 : 1)
        .on('click', () => requestSpectrum(k))
        .append('title').text(`λ${k} = ${fmt(re, 4)} ${im < 0 ? '−' : '+'} ${fmt(Math.abs(im), 4)}i, |λ| = ${fmt(Math.hypot(re, im), 4)}`);
    });
  }

  function drawParticipation() {
    const mode = S.mode, div = $('#participation');
    const [re, im] = mode.eigenvalue;
    let html = `<h2>Mode ${mode.index}: λ = ${fmt(re, 4)} ${im < 0 ? '−' : '+'} ${fmt(Math.abs(im), 4)}i, ` +
      `|λ| = ${fmt(Math.hypot(re, im), 4)}</h2>`;
    if (mode.withheld) {
      html += `<div class="withheld">Participation withheld: ${escapeHtml(mode.withheld)}</div>`;
    }
    if (mode.participation) {
      for (const side of ['right', 'left']) {
        const rows = mode.participation[side];
        if (!rows) continue;
        html += `<div class="group"><div>${side} eigenvector: participation by region</div>`;
        for (const r of rows) {
          const pct = Math.max(0, Math.min(1, r.share || 0)) * 100;
          html += `<div class="bar-row" data-region="${escapeHtml(r.region)}" data-side="${side}">` +
            `<span class="bar-name">${escapeHtml(r.region)}</span><span class="bar-track">` +
            `<div class="bar ${side}" style="width:${pct}%"></div></span><span>${fmt(r.share, 3)}</span></div>`;
        }
        html += '</div>';
      }
    }
    if (mode.projection) {
      const p = mode.projection;
      html += `<div class="hint">Eigenvector on the plane (drawn from ${escapeHtml(S.spectrum.source)}, scaled): ` +
        `|P Re v| = ${fmt(Math.hypot(p.re[0], p.re[1]))}, |P Im v| = ${fmt(Math.hypot(p.im[0], p.im[1]))}</div>`;
    }
    div.innerHTML = html;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  // ---------------------------------------------------------------- continuation
  async function requestContinuation() {
    $('#continue').disabled = true;
    $('#continuation-note').textContent = 'continuing…';
    const data = await api('continuation', '/api/continuation', { u: S.u, coordinate: 'pc1' });
    $('#continue').disabled = !S.model.continuation;
    if (!data) { $('#continuation-note').textContent = ''; return; }
    S.cont = data;
    drawContinuation();
    V.continuationsDrawn++;
  }

  function drawContinuation() {
    const c = S.cont, svg = d3.select('#bifurcation');
    svg.selectAll('*').remove();
    const W = +svg.attr('width'), H = +svg.attr('height'), m = { l: 62, r: 20, t: 12, b: 38 };
    const dir = c.direction || [];
    const dn = Math.hypot(...dir) || 1;
    const sNow = S.u.reduce((a, v, i) => a + v * (dir[i] || 0), 0) / dn;
    const along = Math.abs(Math.hypot(...S.u) - Math.abs(sNow)) < 1e-9 * Math.max(1, Math.abs(sNow));
    $('#continuation-note').textContent = `u = s · [${dir.map((v) => fmt(v)).join(', ')}]` +
      (along ? '' : '; the current input is no longer along this direction: continue again');
    const ss = [], cs = [];
    for (const b of c.branches) { ss.push(...b.s); cs.push(...b.coord); }
    ss.push(sNow);
    const x = d3.scaleLinear().domain(d3.extent(ss.filter((v) => v != null))).nice().range([m.l, W - m.r]);
    const y = d3.scaleLinear().domain(d3.extent(cs.filter((v) => v != null))).nice().range([H - m.b, m.t]);
    svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - m.b})`).call(d3.axisBottom(x));
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.l},0)`).call(d3.axisLeft(y).ticks(5));
    svg.append('text').attr('class', 'axis-label').attr('x', (m.l + W - m.r) / 2).attr('y', H - 4)
      .attr('text-anchor', 'middle').text(c.parameter || 's');
    svg.append('text').attr('class', 'axis-label').attr('transform', `translate(14,${(H - m.b + m.t) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle').text('PC1 of the fixed point');
    c.branches.forEach((b, bi) => {
      for (let i = 0; i + 1 < b.s.length; i++) {
        if ([b.s[i], b.s[i + 1], b.coord[i], b.coord[i + 1]].some((v) => v == null)) continue;
        const stable = b.stable[i] && b.stable[i + 1];
        svg.append('line').attr('class', stable ? 'stable' : 'unstable').attr('data-branch', bi)
          .attr('x1', x(b.s[i])).attr('y1', y(b.coord[i])).attr('x2', x(b.s[i + 1])).attr('y2', y(b.coord[i + 1]))
          .attr('stroke', '#222').attr('stroke-width', 1.8).attr('stroke-dasharray', stable ? null : '5 4');
      }
    });
    const names = { LP: 'fold (limit point)', BP: 'branch point', PD: 'period doubling',
      NS: 'Neimark-Sacker', H: 'Hopf' };
    const boxes = [];
    for (const bf of c.bifurcations || []) {
      if (bf.s == null || bf.coord == null) continue;
      const bx = x(bf.s), by = y(bf.coord);
      svg.append('circle').attr('class', 'bifurcation').attr('cx', bx).attr('cy', by).attr('r', 4.5)
        .attr('fill', '#c0392b').append('title')
        .text(`${bf.kind}: ${names[bf.kind] || bf.kind} at s = ${fmt(bf.s, 4)}, PC1 = ${fmt(bf.coord, 4)}`);
      const b = { x0: bx + 5, x1: bx + 7 + 8 * bf.kind.length, y0: by - 18, y1: by - 4 };
      if (boxes.every((o) => b.x1 < o.x0 || b.x0 > o.x1 || b.y1 < o.y0 || b.y0 > o.y1)) {
        boxes.push(b);
        svg.append('text').attr('class', 'halo').attr('x', bx + 6).attr('y', by - 6).attr('fill', '#c0392b').text(bf.kind);
      }
    }
    svg.append('text').attr('x', m.l + 6).attr('y', H - m.b - 6).attr('fill', '#666')
      .text('● bifurcations: LP fold, BP branch point, PD period doubling, NS Neimark-Sacker, H Hopf (hover for s)');
    svg.append('line').attr('class', 'current').attr('x1', x(sNow)).attr('x2', x(sNow)).attr('y1', m.t).attr('y2', H - m.b)
      .attr('stroke', '#ff6a00').attr('stroke-width', 1.5);
    svg.append('text').attr('x', x(sNow) + 4).attr('y', m.t + 10).attr('fill', '#ff6a00').text(`current u (s = ${fmt(sNow)})`);
    const lg = svg.append('g').attr('transform', `translate(${W - m.r - 210},${m.t + 6})`);
    lg.append('line').attr('x2', 24).attr('stroke', '#222').attr('stroke-width', 1.8);
    lg.append('text').attr('x', 28).attr('y', 4).text('stable');
    lg.append('line').attr('x1', 80).attr('x2', 104).attr('stroke', '#222').attr('stroke-width', 1.8).attr('stroke-dasharray', '5 4');
    lg.append('text').attr('x', 108).attr('y', 4).text('unstable');
  }

  // ---------------------------------------------------------------- start
  async function start() {
    d3.select('#bifurcation').append('text').attr('x', 20).attr('y', 30).attr('fill', '#777')
      .text('"Continue along u" follows the fixed points as the input grows along the current direction of u.');
    makePanel('nonlinear');
    makePanel('linear');
    const m = await api('model', '/api/model');
    if (!m) return;
    S.model = m;
    buildControls();
    await requestField(true);
    requestSpectrum();
  }
  start();
})();
