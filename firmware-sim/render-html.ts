import type { QuantizationChoice } from '../compiler/train/qat/qat-choice.js';
import type { TrainingRecord } from '../compiler/model/float-model.js';
import { headlineMetric } from '../compiler/evaluate/evaluate.js';
import { timingSentences } from './timing-text.js';
import { instructionTotal } from './cycle-model.js';
import type { ScoreDistribution } from '../compiler/evaluate/score-distribution.js';
import { PALETTE, barChart, esc, histogramPlot, linePlot } from './html-charts.js';
import { type MemoryBudget, type SimulationReport, type SramVariant, weightsText } from './report.js';

export interface HtmlReportOptions {
  /** The float model's training record: its per-epoch curves become the training section. */
  training?: TrainingRecord | null;
  /** A build with quantization.qat: post-training vs quantization-aware training, and which IR was shipped. */
  quantization?: QuantizationChoice | null;
}

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched) for one model on one
 * or more targets: the targets compared side by side, then once per build the float-vs-int8
 * accuracy, per-layer SQNR, confusion matrices, the ROC curve and score histograms (binary,
 * autoencoder) and the training curves, then each target's memory and per-layer cycles.
 */
export function renderHtml(reports: SimulationReport[], title: string, options: HtmlReportOptions = {}): string {
  const first = reports[0];
  const accuracy = first?.accuracy ?? null;
  const history = options.training?.history ?? null;
  const sections: { id: string; title: string; html: string }[] = [];
  if (first) sections.push({ id: 'targets', title: 'Targets compared', html: targetsSection(reports) });
  if (accuracy) {
    sections.push({ id: 'accuracy', title: 'Accuracy: float32 vs int8', html: accuracySection(accuracy) });
    sections.push({ id: 'sqnr', title: 'SQNR per layer (float vs dequantized int8)', html: sqnrSection(accuracy) });
    if (accuracy.float.confusion && accuracy.quantized.confusion) sections.push({ id: 'confusion', title: 'Confusion matrices', html: confusionSection(accuracy, first.model.classNames) });
  }
  if (options.quantization) sections.push({ id: 'qat', title: 'Post-training vs quantization-aware training', html: qatSection(options.quantization) });
  if (accuracy?.scores) sections.push({ id: 'scores', title: accuracy.scores.roc ? 'ROC curve and score histograms' : 'Score histogram', html: scoresSection(accuracy.scores) });
  if (history && history.epochs.length > 0) sections.push({ id: 'training', title: 'Training curves', html: trainingSection(options.training!) });
  const nav = [...sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`), ...reports.map((r) => `<a href="#${esc(targetAnchor(r))}">${esc(r.target.id)}</a>`)].join(' · ');
  const model = first
    ? `<p class="src">model ${esc(first.model.name)} · hash ${esc(first.model.hash)} · ${esc(first.model.task)} · ${first.model.layers} layers · ${fmtInt(first.model.parameters)} parameters · ${fmtInt(first.model.macs)} MACs per inference</p>`
    : '';
  const main = `${model}
${sections.map((s) => `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n')}
${reports.map(renderTarget).join('\n')}`;
  return htmlPage(title, 'firmnet report — memory, cycles and accuracy before you flash a board', nav, main);
}

/** The report's page: its style, header and navigation around `main` (other firmnet pages, e.g. tune.html, share it). */
export function htmlPage(title: string, subtitle: string, nav: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1c2430}
header{background:#1c2430;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#b9c2cf}
nav{padding:10px 28px 0;font-size:13px}nav a{color:#3b6fd8}
main{padding:8px 28px 40px;max-width:1180px}
section{background:#fff;border:1px solid #dde2e8;border-radius:8px;margin:20px 0;padding:16px 22px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:18px 0 8px;color:#334}
.tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{border:1px solid #dde2e8;border-radius:6px;padding:8px 14px;min-width:150px}
.tile b{display:block;font-size:18px}.tile span{color:#667;font-size:12px}
.ok{color:#11763a}.bad{color:#b3261e}
table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #eceff3;text-align:right}
th{background:#f1f3f6;font-weight:600}td.l,th.l{text-align:left}
.src{color:#667;font-size:12px;text-align:left}
.cm td{width:26px;height:22px;text-align:center;border:1px solid #fff;font-size:11px}
.grid{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
svg text{font:11px system-ui,sans-serif;fill:#334}
details{margin:6px 0}summary{cursor:pointer;color:#3b6fd8;font-size:13px}
</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>
<nav>${nav}</nav>
<main>
${main}
</main>
</body>
</html>
`;
}

function targetAnchor(r: SimulationReport): string {
  return `target-${r.target.id}`;
}

/** Every target side by side: latency, SRAM and flash against each one's capacity, and whether it fits. */
function targetsSection(reports: SimulationReport[]): string {
  const color = (fits: boolean | null): string => (fits === false ? '#d24c4c' : fits === null ? '#6a7d91' : '#3b6fd8');
  const latency = barChart(
    'latency per target',
    reports.map((r) => ({ label: r.target.id, value: r.cycles.latencyMs, text: `${r.cycles.latencyMs.toFixed(3)} ms`, color: '#3b6fd8' })),
    { width: 330 },
  );
  const usage = (label: string, pick: (r: SimulationReport) => MemoryBudget): string =>
    barChart(
      `${label} against capacity per target`,
      reports.map((r) => {
        const b = pick(r);
        const pct = b.capacityBytes ? (100 * b.totalBytes) / b.capacityBytes : 0;
        return { label: r.target.id, value: pct, text: b.capacityBytes ? `${share(b.totalBytes, b.capacityBytes)} (${kb(b.totalBytes)})${b.fits === false ? ' over' : ''}` : `${kb(b.totalBytes)}, capacity ?`, color: color(b.fits) };
      }),
      { width: 330, reference: { at: 100, label: '100% of capacity' } },
    );
  const rows = reports
    .map((r) => {
      const fits = r.memory.sram.fits === false || r.memory.flash.fits === false ? '<span class="bad">no</span>' : r.memory.sram.fits === null || r.memory.flash.fits === null ? 'unknown' : '<span class="ok">yes</span>';
      return `<tr><td class="l"><a href="#${esc(targetAnchor(r))}">${esc(r.target.id)}</a></td><td class="l">${esc(r.target.description)}</td><td>${r.cycles.latencyMs.toFixed(3)} ms</td><td>${fmtInt(r.cycles.totalCycles)}</td><td>${fmtInt(r.memory.sram.totalBytes)}</td><td>${fmtInt(r.memory.flash.totalBytes)}</td><td>${fits}</td></tr>`;
    })
    .join('');
  return `<div class="grid"><div><h3>Latency (one inference)</h3>${latency}</div><div><h3>SRAM used</h3>${usage('SRAM', (r) => r.memory.sram)}</div><div><h3>Flash used</h3>${usage('Flash', (r) => r.memory.flash)}</div></div>
<table><tr><th class="l">target</th><th class="l"></th><th>latency</th><th>cycles</th><th>SRAM bytes</th><th>flash bytes</th><th>fits</th></tr>${rows}</table>
<p class="src">SRAM with your own input/output buffers (what fits judges); bars in red do not fit.</p>`;
}

/** The ROC curves of the float and int8 models, and the int8 scores' histogram per class with the threshold. */
function scoresSection(d: ScoreDistribution): string {
  const threshold = d.threshold === null ? [] : [{ at: d.threshold, label: `threshold ${d.threshold.toPrecision(4)}`, color: '#1c2430' }];
  const hist = histogramPlot(
    `histogram of ${d.score}`,
    { width: 600, height: 340, xLabel: d.score, yLabel: 'rows' },
    d.histogram.edges,
    d.histogram.series.map((s, i) => ({ ...s, color: i === 0 ? '#2f9e6e' : '#d24c4c' })),
    threshold,
  );
  const clipped = d.histogram.clippedRows > 0 ? ` ${d.histogram.clippedRows} ${d.histogram.clippedRows === 1 ? 'row' : 'rows'} with larger scores ${d.histogram.clippedRows === 1 ? 'is' : 'are'} counted in the last bin.` : '';
  if (!d.roc) return `<div class="grid"><div>${hist}</div></div><p class="src">int8 model's scores; the data has no labels of both classes, so there is no ROC curve.${clipped}</p>`;
  const { float, int8, int8AtThreshold } = d.roc;
  const roc = linePlot(
    'ROC curve',
    { width: 420, height: 360, x: [0, 1], y: [0, 1], xLabel: 'false-positive rate', yLabel: 'true-positive rate' },
    [
      { name: `float32 (AUC ${float.auc.toFixed(4)})`, color: '#6a7d91', x: float.fpr, y: float.tpr, dashed: true },
      { name: `int8 (AUC ${int8.auc.toFixed(4)})`, color: '#3b6fd8', x: int8.fpr, y: int8.tpr },
      { name: 'chance', color: '#c3c9d1', x: [0, 1], y: [0, 1], dashed: true },
    ],
    [],
    int8AtThreshold ? [{ x: int8AtThreshold.fpr, y: int8AtThreshold.tpr, label: `at the threshold: FPR ${int8AtThreshold.fpr.toFixed(3)}, TPR ${int8AtThreshold.tpr.toFixed(3)}`, color: '#1c2430' }] : [],
  );
  return `<div class="grid"><div>${roc}</div><div>${hist}</div></div><p class="src">ROC of the ${esc(d.score)} as the score; histogram of the int8 model's scores per class.${clipped}</p>`;
}

/** Loss and the validation metric per epoch, with the epoch whose weights were kept. */
function trainingSection(t: TrainingRecord): string {
  const h = t.history!;
  const epochs = h.epochs.map((e) => e.epoch);
  const span: [number, number] = [Math.min(...epochs), Math.max(Math.max(...epochs), Math.min(...epochs) + 1)];
  const range = (values: (number | null)[]): [number, number] => {
    const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
    const lo = Math.min(...v, Infinity);
    const hi = Math.max(...v, -Infinity);
    if (!Number.isFinite(lo)) return [0, 1];
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return [Math.max(lo >= 0 ? 0 : -Infinity, lo - pad), hi + pad];
  };
  const nan = (v: number | null): number => (v === null ? Number.NaN : v);
  const stop = [{ at: t.bestEpoch, label: `kept: epoch ${t.bestEpoch}${t.epochsRun < (Number(t.config.epochs) || t.epochsRun) ? ` (stopped after ${t.epochsRun})` : ''}`, color: '#b04ec2' }];
  const loss = linePlot(
    'training loss per epoch',
    { width: 520, height: 300, x: span, y: range(h.epochs.flatMap((e) => [e.trainLoss, e.valLoss])), xLabel: 'epoch', yLabel: h.lossName },
    [
      { name: `train ${h.lossName}`, color: '#3b6fd8', x: epochs, y: h.epochs.map((e) => e.trainLoss) },
      ...(h.epochs.some((e) => e.valLoss !== null) ? [{ name: `validation ${h.lossName}`, color: '#e08a2e', x: epochs, y: h.epochs.map((e) => nan(e.valLoss)) }] : []),
    ],
    stop,
  );
  const metricName = h.valMetricName;
  const metric =
    metricName && h.epochs.some((e) => e.valMetric !== null)
      ? linePlot(
          `${metricName} per epoch`,
          { width: 520, height: 300, x: span, y: range(h.epochs.map((e) => e.valMetric)), xLabel: 'epoch', yLabel: metricName },
          [{ name: metricName, color: '#2f9e6e', x: epochs, y: h.epochs.map((e) => nan(e.valMetric)) }],
          stop,
        )
      : '';
  const stopText = h.stopMetricName ? `Early stopping watched ${esc(h.stopMetricName)}; the weights of epoch ${t.bestEpoch} were kept.` : `The weights of epoch ${t.bestEpoch} were kept.`;
  return `<div class="grid"><div>${loss}</div>${metric ? `<div>${metric}</div>` : ''}</div><p class="src">${h.epochs.length} epochs run. ${stopText}</p>`;
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
    tiles.push(tile('int8 cost', drop, `${accuracy.agreement === null ? '' : `${(accuracy.agreement * 100).toFixed(1)}% agreement, `}<a href="#accuracy">accuracy</a>`));
  }
  return `<section class="target" id="${esc(targetAnchor(r))}">
<h2>${esc(r.model.name)} on ${esc(r.target.description)}</h2>
<div class="tiles">${tiles.join('')}</div>
<h3>Memory against capacity</h3>
${budgetChart('SRAM', memory.sram)}
${budgetChart('Flash', memory.flash)}
${sramVariantsTable(memory.sramVariants)}
<details><summary>SRAM and flash, item by item, with where each number comes from</summary>
${budgetTable(memory.sram, 'SRAM')}
${budgetTable(memory.flash, 'Flash')}
</details>
<p class="src">Arena: ${memory.arena.bytes} B, lower bound (largest input + output of one layer) ${memory.arena.lowerBoundBytes} B${memory.arena.note ? ` — ${esc(memory.arena.note)}` : ' — equal, as expected for a chain of layers'}.</p>
<h3>Cycles per layer</h3>
${cyclesChart(r)}
<details><summary>Per-layer table: MACs, instructions, core cycles, flash stalls</summary>
${cyclesTable(r)}
</details>
${timingSection(r)}
${accuracy ? '' : '<p class="src">No accuracy section: no labelled data given (firmnet sim --data test.csv).</p>'}
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
  const configurations =
    r.cycles.flashConfigurations.length === 0
      ? ''
      : `<table><tr><th class="l">weights in flash, by flash configuration</th><th>read width</th><th>flash stalls</th><th>cycles</th><th>latency</th></tr>${r.cycles.flashConfigurations
          .map(
            (k) =>
              `<tr><td class="l">${esc(k.label)}${k.headline ? ' — the latency above' : `<br><span class="src">selected by ${esc(k.how)} (${esc(k.source)})</span>`}</td><td>${k.readBytes * 8} bits</td><td>${fmtInt(k.flashStallCycles)}</td><td>${fmtInt(k.totalCycles)}</td><td>${k.latencyMs.toFixed(3)} ms</td></tr>`,
          )
          .join('')}</table>`;
  const notConfirmed = t.notConfirmed.length === 0 ? '' : `<ul class="src">${t.notConfirmed.map((c) => `<li>Not confirmed: ${esc(c)}</li>`).join('')}</ul>`;
  return `<table><tr><th class="l">latency by weight placement</th><th>SRAM added</th><th>fits</th><th>flash stalls</th><th>cycles</th><th>latency</th></tr>${rows}</table>
${configurations}
<p class="src">Flash floor: ${esc(t.flashFloor)}.</p>
<p class="src">${esc(r.cycles.method)} ${esc(r.target.flashNote)}</p>
${notConfirmed}
<p class="src">Checked against: ${esc(t.basis)}; ${esc(t.qemu)}; ${esc(t.silicon)}.</p>`;
}

function cyclesTable(r: SimulationReport): string {
  const rows = r.cycles.layers
    .map(
      (l) =>
        `<tr><td class="l">${esc(l.name)}</td><td class="l">${esc(l.op)}</td><td>${esc(l.shape)}</td><td>${esc(weightsText(l))}</td><td>${fmtInt(l.macs)}</td><td>${fmtInt(instructionTotal(l.instructions))}</td><td>${fmtInt(l.coreCycles)}</td><td>${fmtInt(l.flashStallCycles)}</td><td>${fmtInt(l.cycles)}</td><td>${(100 * l.share).toFixed(1)}%</td></tr>`,
    )
    .join('');
  return `<table><tr><th class="l">layer</th><th class="l">op</th><th>shape</th><th>weights</th><th>MACs</th><th>instructions</th><th>core cycles</th><th>flash stalls</th><th>cycles</th><th>share</th></tr>${rows}<tr><th class="l">total</th><th></th><th></th><th></th><th>${fmtInt(r.model.macs)}</th><th></th><th></th><th></th><th>${fmtInt(r.cycles.totalCycles)}</th><th>100%</th></tr></table>`;
}

function accuracySection(a: NonNullable<SimulationReport['accuracy']>): string {
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
  // The label column is as wide as "int8 (WebAssembly)" needs, so the label never runs into its bar.
  const bars = barChart(`float vs int8 ${label}`, [
    { label: 'float32', value: fv, text: fmt(fv), color: '#6a7d91' },
    { label: `int8 (${a.backend})`, value: qv, text: fmt(qv), color: '#3b6fd8' },
  ], { max });
  return `<h3>On ${esc(a.data)} (${a.rows} rows)</h3>
${bars}
<p>${esc(label)} ${fmt(fv)} → ${fmt(qv)}; ${dropText}; output RMSE (${esc(a.outputUnits)}) ${a.outputRmse.toFixed(4)}.</p>`;
}

/** SQNR of every layer's output: the float network's folded layer against the dequantized int8 one. */
function qatSection(c: QuantizationChoice): string {
  const pct = c.metric === 'accuracy';
  const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : pct ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
  const unit = pct ? 'pp' : c.metric === 'ROC-AUC' ? 'points ×100' : '';
  const drop = (d: number | null): string => (d === null || !Number.isFinite(d) ? '—' : `${d.toFixed(2)} ${unit}`);
  const row = (name: string, value: number | null, d: number | null, shipped: boolean): string =>
    `<tr><th class="l">${esc(name)}</th><td>${fmt(value)}</td><td>${drop(d)}</td><td class="l">${shipped ? '<b>shipped</b>' : ''}</td></tr>`;
  const qat = c.qat
    ? row(`quantization-aware training (${c.qat.epochs} epochs, learning rate ${c.qat.learningRate})`, c.qat.value, c.qat.drop, c.shipped === 'qat')
    : `<tr><th class="l">quantization-aware training</th><td colspan="3" class="l">not run: the post-training drop is within maxDrop ${esc(String(c.maxDrop))}</td></tr>`;
  return `<table><tr><th class="l">IR</th><th>${esc(c.metric)}</th><th>drop</th><th class="l"></th></tr>
<tr><th class="l">float32</th><td>${fmt(c.float)}</td><td></td><td></td></tr>
${row('post-training quantization', c.ptq.value, c.ptq.drop, c.shipped === 'ptq')}
${qat}</table>
<p class="src">quantization.qat: ${c.mode === true ? 'true (always fine-tune)' : `"auto" (fine-tune when the post-training drop exceeds maxDrop ${esc(String(c.maxDrop))}; ship the IR with the smaller drop)`}. Both IRs go through the same lowering; the rest of this report describes the shipped one.</p>`;
}

function sqnrSection(a: NonNullable<SimulationReport['accuracy']>): string {
  const max = a.perLayerSqnr.reduce((m, l) => Math.max(m, Number.isFinite(l.sqnrDb) ? l.sqnrDb : 0), 1);
  const rows = a.perLayerSqnr.map((l) => ({ label: l.name, value: Number.isFinite(l.sqnrDb) ? Math.max(l.sqnrDb, 0) : max, text: Number.isFinite(l.sqnrDb) ? `${l.sqnrDb.toFixed(1)} dB` : 'exact', color: '#2f9e6e' }));
  return `${barChart('SQNR per layer', rows, { width: 640, max })}
<p class="src">Higher is better: 20 dB means the int8 layer's error is a tenth of its signal (in amplitude); each layer is measured on the test rows.</p>`;
}

function confusionSection(a: NonNullable<SimulationReport['accuracy']>, classNames: string[]): string {
  return `<div class="grid">${confusionTable('float32', a.float.confusion!, classNames)}${confusionTable(`int8 (${a.backend})`, a.quantized.confusion!, classNames)}</div>
<p class="src">Rows: actual class, columns: predicted class.</p>`;
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
