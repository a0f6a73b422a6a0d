import type { MemoryBudget, SimulationReport, SramVariant } from './report.js';
import { headlineMetric } from '../compiler/evaluate/evaluate.js';
import { timingSentences } from './timing-text.js';
import { instructionTotal } from './cycle-model.js';

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched) for one or more
 * targets: memory bars against each board's capacity, per-layer cycles, float-vs-int8 accuracy,
 * per-layer SQNR and confusion matrices.
 */
export function renderHtml(reports: SimulationReport[], title: string): string {
  const body = reports.map(renderTarget).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1c2430}
header{background:#1c2430;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#b9c2cf}
main{padding:8px 28px 40px;max-width:1180px}
section.target{background:#fff;border:1px solid #dde2e8;border-radius:8px;margin:20px 0;padding:16px 22px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:18px 0 8px;color:#334}
.tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{border:1px solid #dde2e8;border-radius:6px;padding:8px 14px;min-width:150px}
.tile b{display:block;font-size:18px}.tile span{color:#667;font-size:12px}
.ok{color:#11763a}.bad{color:#b3261e}
table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #eceff3;text-align:right}
th{background:#f1f3f6;font-weight:600}td.l,th.l{text-align:left}
.src{color:#667;font-size:12px;text-align:left}
.cm td{width:26px;height:22px;text-align:center;border:1px solid #fff;font-size:11px}
.grid{display:flex;flex-wrap:wrap;gap:28px}
svg text{font:11px system-ui,sans-serif;fill:#334}
</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p>firmnet simulator report — memory, cycles and accuracy before you flash a board</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function renderTarget(r: SimulationReport): string {
  const { memory, cycles, accuracy } = r;
  const tiles = [
    tile('SRAM', `${kb(memory.sram.totalBytes)}`, fitText(memory.sram)),
    tile('Flash', `${kb(memory.flash.totalBytes)}`, fitText(memory.flash)),
    tile('Arena', `${memory.arena.bytes} B`, `lower bound ${memory.arena.lowerBoundBytes} B`),
    tile('Latency', `${cycles.latencyMs.toFixed(3)} ms`, `${fmtInt(cycles.totalCycles)} cycles, ${fmtInt(Math.round(cycles.inferencesPerSecond))} inf/s`),
  ];
  if (accuracy) {
    const drop = accuracy.task === 'regression' ? `RMSE +${accuracy.drop.toFixed(3)}` : `${accuracy.drop.toFixed(2)} pp`;
    tiles.push(tile('int8 cost', drop, accuracy.agreement === null ? '' : `${(accuracy.agreement * 100).toFixed(1)}% agreement`));
  }
  return `<section class="target" id="${esc(r.target.id)}">
<h2>${esc(r.model.name)} on ${esc(r.target.description)}</h2>
<p class="src">model hash ${esc(r.model.hash)} · ${r.model.layers} layers · ${fmtInt(r.model.parameters)} parameters · ${fmtInt(r.model.macs)} MACs per inference</p>
<div class="tiles">${tiles.join('')}</div>
<h3>Memory against capacity</h3>
${budgetChart('SRAM', memory.sram)}
${budgetChart('Flash', memory.flash)}
${budgetTable(memory.sram, 'SRAM')}
${sramVariantsTable(memory.sramVariants)}
${budgetTable(memory.flash, 'Flash')}
<p class="src">Arena: ${memory.arena.bytes} B, lower bound (largest input + output of one layer) ${memory.arena.lowerBoundBytes} B${memory.arena.note ? ` — ${esc(memory.arena.note)}` : ' — equal, as expected for a chain of layers'}.</p>
<h3>Cycles per layer</h3>
${cyclesChart(r)}
${cyclesTable(r)}
${timingSection(r)}
${accuracy ? accuracySection(accuracy, r.model.classNames) : '<h3>Accuracy</h3><p class="src">No labelled data given (firmnet sim --data test.csv).</p>'}
</section>`;
}

function tile(label: string, value: string, sub: string): string {
  return `<div class="tile"><span>${esc(label)}</span><b>${esc(value)}</b><span>${sub}</span></div>`;
}

function fitText(b: MemoryBudget): string {
  if (b.fits === null || b.capacityBytes === null || b.marginBytes === null) return 'capacity unknown';
  const pct = share(b.totalBytes, b.capacityBytes);
  return b.fits
    ? `<span class="ok">fits: ${pct} of ${kb(b.capacityBytes)}, ${kb(b.marginBytes)} free</span>`
    : `<span class="bad">does not fit: ${kb(-b.marginBytes)} over ${kb(b.capacityBytes)}</span>`;
}

const PALETTE = ['#3b6fd8', '#e08a2e', '#2f9e6e', '#b04ec2', '#d24c4c', '#6a7d91', '#c9a227', '#1aa3b8'];

/**
 * Two bars per memory: how much of the capacity the model uses (to scale), and what the used bytes
 * are made of (the composition, full width), with a legend that wraps.
 */
function budgetChart(label: string, b: MemoryBudget): string {
  const width = 760;
  const x0 = 120;
  const capacity = b.capacityBytes;
  const usedShare = capacity ? Math.min(b.totalBytes / capacity, 1) : 1;
  const over = capacity !== null && b.totalBytes > capacity;
  const usage = `<rect x="${x0}" y="6" width="${width}" height="18" fill="#eef1f5" stroke="#1c2430" stroke-dasharray="4 3"/><rect x="${x0}" y="6" width="${Math.max(width * usedShare, 1).toFixed(1)}" height="18" fill="${over ? '#d24c4c' : '#3b6fd8'}"/><text x="${x0 + width + 6}" y="20">${capacity === null ? 'capacity unknown' : `${share(b.totalBytes, capacity)} of ${kb(capacity)}`}</text>`;
  let x = 0;
  const parts = b.items.map((item, i) => {
    const w = b.totalBytes === 0 ? 0 : (width * item.bytes) / b.totalBytes;
    const rect = `<rect x="${(x0 + x).toFixed(1)}" y="32" width="${w.toFixed(1)}" height="14" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(item.what)}: ${item.bytes} B</title></rect>`;
    x += w;
    return rect;
  });
  const legendLines: string[] = [];
  for (let i = 0; i < b.items.length; i += 2) {
    legendLines.push(
      b.items
        .slice(i, i + 2)
        .map((item, k) => `<tspan fill="${PALETTE[(i + k) % PALETTE.length]}">■</tspan> ${esc(item.what)} ${kb(item.bytes)}`)
        .join('      '),
    );
  }
  const legend = legendLines.map((l, i) => `<text x="${x0}" y="${64 + i * 16}">${l}</text>`).join('');
  const height = 64 + legendLines.length * 16;
  return `<svg role="img" aria-label="${esc(label)} usage" width="${width + 260}" height="${height}" viewBox="0 0 ${width + 260} ${height}">
<text x="0" y="20">${esc(label)} ${kb(b.totalBytes)}</text><text x="0" y="44" fill="#667">made of</text>${usage}${parts.join('')}${legend}</svg>`;
}

function share(used: number, capacity: number): string {
  const pct = (100 * used) / capacity;
  return `${pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}

function budgetTable(b: MemoryBudget, label: string): string {
  const rows = b.items.map((i) => `<tr><td class="l">${esc(i.what)}</td><td>${fmtInt(i.bytes)}</td><td class="src">${esc(i.source)}</td></tr>`).join('');
  return `<table><tr><th class="l">${esc(label)}</th><th>bytes</th><th class="l">source</th></tr>${rows}<tr><th class="l">total</th><th>${fmtInt(b.totalBytes)}</th><th class="l">${b.capacityBytes === null ? '' : `of ${fmtInt(b.capacityBytes)}`}</th></tr></table>`;
}

/** SRAM with the input and output in the caller's buffers (the headline) and in the arena. */
function sramVariantsTable(variants: SramVariant[]): string {
  const rows = variants
    .map((v) => `<tr><td class="l">${esc(v.description)}${v.headline ? ' — the SRAM figure above' : ''}</td><td>${fmtInt(v.ioBytes)}</td><td>${fmtInt(v.totalBytes)}</td><td>${v.fits === null ? 'unknown' : v.fits ? 'yes' : '<span class="bad">no</span>'}</td></tr>`)
    .join('');
  return `<table><tr><th class="l">SRAM by where the input and output live</th><th>I/O bytes</th><th>SRAM bytes</th><th>fits</th></tr>${rows}</table>`;
}

function cyclesChart(r: SimulationReport): string {
  const layers = r.cycles.layers;
  const width = 640;
  const rowH = 22;
  const max = layers.reduce((m, l) => Math.max(m, l.cycles), 1);
  const bars = layers
    .map((l, i) => {
      const y = 8 + i * rowH;
      const wCore = (width * l.coreCycles) / max;
      const wFlash = (width * l.flashStallCycles) / max;
      return `<text x="0" y="${y + 14}">${esc(l.name)}</text><rect x="150" y="${y}" width="${Math.max(wCore, 0.5).toFixed(1)}" height="16" fill="#3b6fd8"><title>core ${l.coreCycles} cycles</title></rect><rect x="${(150 + wCore).toFixed(1)}" y="${y}" width="${wFlash.toFixed(1)}" height="16" fill="#e08a2e"><title>flash stalls ${l.flashStallCycles} cycles</title></rect><text x="${(156 + wCore + wFlash).toFixed(1)}" y="${y + 13}">${fmtInt(l.cycles)} (${(100 * l.share).toFixed(1)}%)</text>`;
    })
    .join('');
  const h = 8 + layers.length * rowH + 22;
  return `<svg role="img" aria-label="cycles per layer" width="${width + 300}" height="${h}" viewBox="0 0 ${width + 300} ${h}">${bars}<text x="150" y="${h - 6}"><tspan fill="#3b6fd8">■</tspan> core   <tspan fill="#e08a2e">■</tspan> flash wait states</text></svg>`;
}

/** Latency by weight placement, the flash floor, and what the estimate was checked against (each labelled for what it is). */
function timingSection(r: SimulationReport): string {
  const t = timingSentences(r);
  const rows = r.cycles.weightPlacements
    .map(
      (p) =>
        `<tr><td class="l">${esc(p.label)}${p.headline ? ' — the latency above' : ''}</td><td>${fmtInt(p.sramBytes)}</td><td>${p.fits === null ? 'unknown' : p.fits ? 'yes' : '<span class="bad">no</span>'}</td><td>${fmtInt(p.flashStallCycles)}</td><td>${fmtInt(p.totalCycles)}</td><td>${p.latencyMs.toFixed(3)} ms</td></tr>`,
    )
    .join('');
  const notConfirmed = t.notConfirmed.length === 0 ? '' : `<ul class="src">${t.notConfirmed.map((c) => `<li>Not confirmed: ${esc(c)}</li>`).join('')}</ul>`;
  return `<table><tr><th class="l">latency by weight placement</th><th>SRAM added</th><th>fits</th><th>flash stalls</th><th>cycles</th><th>latency</th></tr>${rows}</table>
<p class="src">Flash floor: ${esc(t.flashFloor)}.</p>
<p class="src">${esc(r.cycles.method)} ${esc(r.target.flashNote)}</p>
${notConfirmed}
<p class="src">Checked against: ${esc(t.basis)}; ${esc(t.qemu)}; ${esc(t.silicon)}.</p>`;
}

function cyclesTable(r: SimulationReport): string {
  const rows = r.cycles.layers
    .map(
      (l) =>
        `<tr><td class="l">${esc(l.name)}</td><td class="l">${esc(l.op)}</td><td>${esc(l.shape)}</td><td>${fmtInt(l.macs)}</td><td>${fmtInt(instructionTotal(l.instructions))}</td><td>${fmtInt(l.coreCycles)}</td><td>${fmtInt(l.flashStallCycles)}</td><td>${fmtInt(l.cycles)}</td><td>${(100 * l.share).toFixed(1)}%</td></tr>`,
    )
    .join('');
  return `<table><tr><th class="l">layer</th><th class="l">op</th><th>shape</th><th>MACs</th><th>instructions</th><th>core cycles</th><th>flash stalls</th><th>cycles</th><th>share</th></tr>${rows}<tr><th class="l">total</th><th></th><th></th><th>${fmtInt(r.model.macs)}</th><th></th><th></th><th></th><th>${fmtInt(r.cycles.totalCycles)}</th><th>100%</th></tr></table>`;
}

function accuracySection(a: NonNullable<SimulationReport['accuracy']>, classNames: string[]): string {
  const regression = a.task === 'regression';
  // Unlabelled autoencoder data has no ROC-AUC: the bars compare the mean reconstruction errors instead.
  const unlabelled = a.task === 'autoencoder' && a.float.rocAuc === undefined;
  const headline = unlabelled ? { key: 'reconstructionMse' as const } : headlineMetric(a.task);
  const metric = (e: typeof a.float): number => Number(e[headline.key] ?? 0);
  const fv = metric(a.float);
  const qv = metric(a.quantized);
  const max = Math.max(fv, qv, 1e-9);
  const label = unlabelled ? 'mean reconstruction error' : a.task === 'autoencoder' ? 'ROC-AUC (reconstruction error as anomaly score)' : regression ? 'RMSE' : 'top-1 accuracy';
  const fmt = (v: number): string => (headline.key === 'accuracy' ? `${(100 * v).toFixed(2)}%` : v.toFixed(a.task === 'autoencoder' ? 4 : 3));
  const dropText = unlabelled
    ? 'no ROC-AUC or decision agreement: the data has no 0/1 anomaly column with both classes, so the bars compare the mean reconstruction errors'
    : a.task === 'autoencoder'
      ? `drop ${a.drop.toFixed(2)} ROC-AUC points ×100, anomaly decisions agree on ${((a.agreement ?? 0) * 100).toFixed(2)}% of rows (thresholds ${a.float.threshold?.toFixed(4) ?? '—'} / ${a.quantized.threshold?.toFixed(4) ?? '—'})`
      : regression
        ? `RMSE change ${a.drop.toFixed(3)}`
        : `drop ${a.drop.toFixed(2)} pp, prediction agreement ${((a.agreement ?? 0) * 100).toFixed(2)}%`;
  const bars = [
    ['float32', fv, '#6a7d91'],
    [`int8 (${a.backend})`, qv, '#3b6fd8'],
  ]
    .map(([name, v, color], i) => {
      const w = (420 * (v as number)) / max;
      return `<text x="0" y="${24 + i * 26}">${esc(name as string)}</text><rect x="110" y="${10 + i * 26}" width="${w.toFixed(1)}" height="18" fill="${color}"/><text x="${(116 + w).toFixed(1)}" y="${24 + i * 26}">${fmt(v as number)}</text>`;
    })
    .join('');
  const sqnrMax = a.perLayerSqnr.reduce((m, l) => Math.max(m, Number.isFinite(l.sqnrDb) ? l.sqnrDb : 0), 1);
  const sqnr = a.perLayerSqnr
    .map((l, i) => {
      const v = Number.isFinite(l.sqnrDb) ? l.sqnrDb : sqnrMax;
      const w = (320 * Math.max(v, 0)) / sqnrMax;
      return `<text x="0" y="${18 + i * 22}">${esc(l.name)}</text><rect x="150" y="${5 + i * 22}" width="${w.toFixed(1)}" height="16" fill="#2f9e6e"/><text x="${(156 + w).toFixed(1)}" y="${18 + i * 22}">${Number.isFinite(l.sqnrDb) ? `${l.sqnrDb.toFixed(1)} dB` : 'exact'}</text>`;
    })
    .join('');
  const sqnrH = 10 + a.perLayerSqnr.length * 22;
  const confusions =
    a.float.confusion && a.quantized.confusion
      ? `<div class="grid">${confusionTable('float32', a.float.confusion, classNames)}${confusionTable('int8', a.quantized.confusion, classNames)}</div>`
      : '';
  return `<h3>Accuracy on ${esc(a.data)} (${a.rows} rows)</h3>
<svg role="img" aria-label="float vs int8 ${label}" width="640" height="66" viewBox="0 0 640 66">${bars}</svg>
<p>${esc(label)} ${fmt(fv)} → ${fmt(qv)}; ${dropText}; output RMSE (${esc(a.outputUnits)}) ${a.outputRmse.toFixed(4)}.</p>
<h3>SQNR per layer (float vs dequantized int8)</h3>
<svg role="img" aria-label="SQNR per layer" width="640" height="${sqnrH}" viewBox="0 0 640 ${sqnrH}">${sqnr}</svg>
${confusions ? `<h3>Confusion matrices (rows: actual, columns: predicted)</h3>${confusions}` : ''}`;
}

function confusionTable(title: string, m: number[][], classNames: string[]): string {
  const max = m.reduce((most, row) => row.reduce((a, b) => Math.max(a, b), most), 1);
  const label = (i: number): string => esc(m.length === 2 && classNames.length !== 2 ? (i === 0 ? 'normal' : 'anomaly') : (classNames[i] ?? String(i)));
  const rows = m
    .map(
      (row, i) =>
        `<tr><th>${label(i)}</th>${row
          .map((v, j) => {
            const alpha = v === 0 ? 0 : 0.15 + (0.85 * v) / max;
            const color = i === j ? `rgba(47,158,110,${alpha.toFixed(2)})` : `rgba(210,76,76,${alpha.toFixed(2)})`;
            return `<td style="background:${color}">${v}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<div><b>${esc(title)}</b><table class="cm"><tr><th></th>${m.map((_, j) => `<th>${label(j)}</th>`).join('')}</tr>${rows}</table></div>`;
}

function kb(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Text (names from model files among it) as HTML text or a quoted attribute value of either quote. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
