import { type ScatterPoint, esc, scatterPlot } from '../../firmware-sim/html-charts.js';
import { htmlPage } from '../../firmware-sim/render-html.js';
import type { BuildResult } from '../project/build.js';
import { type Evaluation, headlineMetric } from '../evaluate/evaluate.js';
import type { CandidateRecord, TuneReport } from './tune-report.js';

const COLORS = { winner: '#2f9e6e', front: '#3b6fd8', other: '#99a3ae', rejected: '#d24c4c' } as const;

/**
 * tune.html: per target, the Pareto scatter plot (the objective at the last rung each candidate
 * reached against latency) with the front drawn through it, the front as a table, and every
 * candidate with its status and, when rejected or stopped, why. Same report, same bytes.
 */
export function renderTuneHtml(report: TuneReport, built: BuildResult): string {
  const winner = report.candidates[report.winner];
  const sections: { id: string; title: string; html: string }[] = [
    { id: 'winner', title: 'Winner', html: winnerSection(report, winner, built) },
    ...report.fronts.map((f, t) => ({ id: `front-${f.target}`, title: `Pareto front on ${f.target}`, html: frontSection(report, t) })),
    { id: 'candidates', title: 'Every candidate', html: candidatesSection(report) },
  ];
  const nav = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join(' · ') + ' · <a href="report.html">the winner\'s build report</a>';
  const main = sections.map((s) => `<section id="${esc(s.id)}">\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return htmlPage(`${report.project}: firmnet tune`, 'the most accurate model that meets the budgets on every target', nav, main);
}

function lastScore(r: CandidateRecord): number | null {
  return r.rungs[r.rungs.length - 1]?.int8Score ?? null;
}

function winnerSection(report: TuneReport, w: CandidateRecord, built: BuildResult): string {
  const s = w.rungs[w.rungs.length - 1];
  const test = built.accuracy;
  const budgets = report.budgets;
  const budgetRows = [
    ['max latency', budgets.maxLatencyMs === null ? 'none' : `${budgets.maxLatencyMs} ms`],
    ['max SRAM', budgets.maxSramBytes === null ? "the board's" : `${budgets.maxSramBytes} B`],
    ['max flash', budgets.maxFlashBytes === null ? "the board's" : `${budgets.maxFlashBytes} B`],
    ['max int8 drop', budgets.maxDrop === null ? 'none' : String(budgets.maxDrop)],
  ];
  return `<p>candidate #${w.id}: <b>${esc(w.description)}</b>, ${s.epochs} epochs. ${esc(report.objective)} on the held-out rows: float32 ${fmt(s.floatScore)}, int8 ${fmt(s.int8Score)}.${
    test ? ` On the test data (${test.rows} rows, never used to choose): float32 ${fmt(headlineOf(test.float))}, int8 ${fmt(headlineOf(test.quantized))} (report.html has the rest).` : ''
  }</p>
<p class="src">scored on ${esc(report.scoredOn)}; seed ${report.seed}; rungs of ${report.rungEpochs.join(', ')} epochs</p>
<table><tr><th class="l">budget</th><th>value</th></tr>${budgetRows.map(([k, v]) => `<tr><td class="l">${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
<table><tr><th class="l">target</th><th>weights</th><th>latency</th><th>SRAM</th><th>flash</th></tr>${w.targets
    .map((t) => `<tr><td class="l">${esc(t.target)}</td><td>${t.placement === 'flash' ? 'in flash' : 'copied to SRAM (FIRMNET_WEIGHTS_IN_SRAM)'}</td><td>${t.latencyMs.toFixed(3)} ms</td><td>${fmtInt(t.sramBytes)} B</td><td>${fmtInt(t.flashBytes)} B</td></tr>`)
    .join('')}</table>`;
}

function frontSection(report: TuneReport, t: number): string {
  const front = new Set(report.fronts[t].ids);
  const scored = report.candidates.filter((r) => lastScore(r) !== null && r.targets[t]);
  const xs = scored.map((r) => r.targets[t].latencyMs);
  const ys = scored.map((r) => lastScore(r)!);
  const pad = (lo: number, hi: number): [number, number] => (hi > lo ? [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)] : [lo - 1, hi + 1]);
  const points: ScatterPoint[] = scored.map((r) => {
    const color = r.status === 'winner' ? COLORS.winner : r.rejection ? COLORS.rejected : front.has(r.id) ? COLORS.front : COLORS.other;
    return {
      x: r.targets[t].latencyMs,
      y: lastScore(r)!,
      color,
      highlight: r.status === 'winner',
      label: front.has(r.id) || r.status === 'winner' ? `#${r.id}` : undefined,
      title: `#${r.id} ${r.description}: ${report.objective} ${fmt(lastScore(r))} after ${r.rungs[r.rungs.length - 1].epochs} epochs, ${r.targets[t].latencyMs.toFixed(3)} ms, ${r.status}${r.reason ? ` (${r.reason})` : ''}`,
    };
  });
  const frontPoints = report.fronts[t].ids.map((id) => ({ x: report.candidates[id].targets[t].latencyMs, y: lastScore(report.candidates[id])! }));
  const plot =
    scored.length === 0
      ? '<p>No candidate was scored.</p>'
      : scatterPlot(
          `Pareto front on ${report.fronts[t].target}`,
          { width: 640, height: 360, x: pad(Math.min(...xs), Math.max(...xs)), y: pad(Math.min(...ys), Math.max(...ys)), xLabel: 'latency (ms)', yLabel: `int8 ${report.objective} (held-out rows)` },
          points,
          { name: 'Pareto front (objective, latency, flash, SRAM)', color: COLORS.front, points: frontPoints },
          [
            { name: 'winner', color: COLORS.winner },
            { name: 'on the front', color: COLORS.front },
            { name: 'stopped early', color: COLORS.other },
            { name: 'rejected', color: COLORS.rejected },
          ],
        );
  const rows = report.fronts[t].ids
    .map((id) => {
      const r = report.candidates[id];
      const p = r.targets[t];
      return `<tr><td>#${id}</td><td class="l">${esc(r.description)}</td><td>${fmt(lastScore(r))}</td><td>${r.rungs[r.rungs.length - 1].epochs}</td><td>${p.latencyMs.toFixed(3)} ms</td><td>${fmtInt(p.flashBytes)} B</td><td>${fmtInt(p.sramBytes)} B</td><td class="l">${esc(r.status)}</td></tr>`;
    })
    .join('');
  return `${plot}
<table class="front"><tr><th>id</th><th class="l">candidate</th><th>${esc(report.objective)}</th><th>epochs</th><th>latency</th><th>flash</th><th>SRAM</th><th class="l">status</th></tr>${rows}</table>
<p class="src">A point is on the front when no other scored candidate is at least as good on all of the objective, latency, flash and SRAM and better on one. Candidates stopped early are scored at the epochs they reached.</p>`;
}

function candidatesSection(report: TuneReport): string {
  const rows = report.candidates
    .map(
      (r) =>
        `<tr class="${esc(r.status.replace(' ', '-'))}"><td>#${r.id}</td><td class="l">${esc(r.description)}</td><td>${r.parameters === null ? '—' : fmtInt(r.parameters)}</td><td>${fmt(lastScore(r))}</td><td>${r.rungs.map((s) => s.epochs).join(', ') || '—'}</td><td class="l">${esc(r.status)}</td><td class="l reason">${esc(r.reason ?? '')}</td></tr>`,
    )
    .join('');
  return `<table class="candidates"><tr><th>id</th><th class="l">candidate</th><th>parameters</th><th>${esc(report.objective)}</th><th>epochs trained</th><th class="l">status</th><th class="l">why</th></tr>${rows}</table>`;
}

function headlineOf(e: Evaluation): number | null {
  return e[headlineMetric(e.task).key as 'accuracy'] ?? null;
}

function fmt(v: number | null): string {
  return v === null ? '—' : v.toFixed(4);
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
