/**
 * Inline SVG charts for the HTML report: plain markup, no script, sized in pixels, numbers written
 * with fixed decimals so the same report data gives the same bytes. Every text that can come from an
 * input file goes through `esc`.
 */

/** Text (names from model files among it) as HTML text or a quoted attribute value of either quote. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const PALETTE = ['#3b6fd8', '#e08a2e', '#2f9e6e', '#b04ec2', '#d24c4c', '#6a7d91', '#c9a227', '#1aa3b8'];

/** A pixel coordinate. */
export function px(v: number): string {
  return v.toFixed(1);
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** A tick label with as many decimals as the tick step needs. */
export function tickLabel(v: number, step: number): string {
  if (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)) return v.toExponential(1);
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

export interface Series {
  name: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  dashed?: boolean;
}

export interface PlotFrame {
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
}

interface Frame {
  svgOpen: string;
  sx: (v: number) => number;
  sy: (v: number) => number;
  axes: string;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
}

const MARGIN = { left: 58, right: 14, top: 12, bottom: 40 };

function frame(label: string, f: PlotFrame, legendRows: number): Frame {
  const left = MARGIN.left;
  const top = MARGIN.top + legendRows * 16;
  const plotW = f.width - MARGIN.left - MARGIN.right;
  const plotH = f.height - top - MARGIN.bottom;
  const [x0, x1] = f.x;
  const [y0, y1] = f.y;
  const sx = (v: number): number => left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (v: number): number => top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;
  const xt = ticks(x0, x1);
  const yt = ticks(y0, y1);
  const xStep = xt.length > 1 ? xt[1] - xt[0] : 1;
  const yStep = yt.length > 1 ? yt[1] - yt[0] : 1;
  const grid = [
    ...yt.map((v) => `<line x1="${px(left)}" x2="${px(left + plotW)}" y1="${px(sy(v))}" y2="${px(sy(v))}" stroke="#eceff3"/><text x="${px(left - 6)}" y="${px(sy(v) + 4)}" text-anchor="end">${tickLabel(v, yStep)}</text>`),
    ...xt.map((v) => `<line x1="${px(sx(v))}" x2="${px(sx(v))}" y1="${px(top + plotH)}" y2="${px(top + plotH + 4)}" stroke="#667"/><text x="${px(sx(v))}" y="${px(top + plotH + 16)}" text-anchor="middle">${tickLabel(v, xStep)}</text>`),
  ].join('');
  const axes = `${grid}<rect x="${px(left)}" y="${px(top)}" width="${px(plotW)}" height="${px(plotH)}" fill="none" stroke="#99a3ae"/><text x="${px(left + plotW / 2)}" y="${px(f.height - 6)}" text-anchor="middle">${esc(f.xLabel)}</text><text transform="translate(12 ${px(top + plotH / 2)}) rotate(-90)" text-anchor="middle">${esc(f.yLabel)}</text>`;
  const svgOpen = `<svg role="img" aria-label="${esc(label)}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}">`;
  return { svgOpen, sx, sy, axes, left, top, plotW, plotH };
}

/** A legend above the plot: one swatch and name per entry, wrapped to the width. */
function legend(entries: { name: string; color: string; dashed?: boolean }[], width: number): { svg: string; rows: number } {
  const parts: string[] = [];
  let x = MARGIN.left;
  let row = 0;
  for (const e of entries) {
    const w = 34 + 7 * e.name.length;
    if (x + w > width && x > MARGIN.left) {
      row++;
      x = MARGIN.left;
    }
    const y = 10 + row * 16;
    parts.push(`<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${e.color}" stroke-width="2.5"${e.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${x + 24}" y="${y}">${esc(e.name)}</text>`);
    x += w;
  }
  return { svg: parts.join(''), rows: entries.length === 0 ? 0 : row + 1 };
}

export interface VerticalMarker {
  at: number;
  label: string;
  color: string;
}

/** Lines over a numeric x axis, with optional vertical markers (a threshold, the early-stopping epoch). */
export function linePlot(label: string, f: PlotFrame, series: Series[], markers: VerticalMarker[] = [], points: { x: number; y: number; label: string; color: string }[] = []): string {
  const lg = legend(series, f.width);
  const fr = frame(label, f, lg.rows);
  const lines = series
    .map((s) => {
      const coords: string[] = [];
      for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.y[i])) coords.push(`${px(fr.sx(s.x[i]))},${px(fr.sy(s.y[i]))}`);
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${coords.join(' ')}"><title>${esc(s.name)}</title></polyline>`;
    })
    .join('');
  return `${fr.svgOpen}${lg.svg}${fr.axes}${lines}${markers.map((m) => marker(fr, m)).join('')}${points
    .map((p) => `<circle cx="${px(fr.sx(p.x))}" cy="${px(fr.sy(p.y))}" r="4.5" fill="${p.color}" stroke="#fff"/><text x="${px(fr.sx(p.x) + 8)}" y="${px(fr.sy(p.y) + 14)}">${esc(p.label)}</text>`)
    .join('')}</svg>`;
}

function marker(fr: Frame, m: VerticalMarker): string {
  const x = fr.sx(m.at);
  return `<line x1="${px(x)}" x2="${px(x)}" y1="${px(fr.top)}" y2="${px(fr.top + fr.plotH)}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="4 3"/><text x="${px(Math.min(x + 4, fr.left + fr.plotW - 4))}" y="${px(fr.top + 12)}" text-anchor="${x + 4 > fr.left + fr.plotW - 120 ? 'end' : 'start'}" fill="${m.color}">${esc(m.label)}</text>`;
}

/** Overlaid histograms (one outline + translucent fill per series) over shared bin edges, with markers. */
export function histogramPlot(label: string, f: Omit<PlotFrame, 'x' | 'y'>, edges: number[], series: { name: string; color: string; counts: number[] }[], markers: VerticalMarker[]): string {
  const max = series.reduce((m, s) => s.counts.reduce((a, b) => Math.max(a, b), m), 1);
  const lg = legend(series, f.width);
  const fr = frame(label, { ...f, x: [edges[0], edges[edges.length - 1]], y: [0, max] }, lg.rows);
  const bars = series
    .map((s) =>
      s.counts
        .map((c, i) => {
          if (c === 0) return '';
          const x = fr.sx(edges[i]);
          const w = fr.sx(edges[i + 1]) - x;
          const y = fr.sy(c);
          return `<rect x="${px(x)}" y="${px(y)}" width="${px(Math.max(w - 0.5, 0.5))}" height="${px(fr.top + fr.plotH - y)}" fill="${s.color}" fill-opacity="0.45" stroke="${s.color}"><title>${esc(s.name)}: ${c} rows</title></rect>`;
        })
        .join(''),
    )
    .join('');
  return `${fr.svgOpen}${lg.svg}${fr.axes}${bars}${markers.map((m) => marker(fr, m)).join('')}</svg>`;
}

export interface BarRow {
  label: string;
  value: number;
  text: string;
  color: string;
}

/**
 * Horizontal bars, one per row, to a shared scale (max(value, `max`)); the label column is as wide as
 * the longest label needs, so no label runs into its bar. An optional reference line (e.g. 100 % of capacity).
 */
export function barChart(label: string, rows: BarRow[], options: { width?: number; max?: number; reference?: { at: number; label: string } } = {}): string {
  const width = options.width ?? 640;
  const labelW = 14 + Math.ceil(7 * rows.reduce((m, r) => Math.max(m, r.label.length), 0));
  const textW = 14 + Math.ceil(7 * rows.reduce((m, r) => Math.max(m, r.text.length), 0));
  const barW = Math.max(width - labelW - textW, 80);
  const rowH = 24;
  const max = Math.max(options.max ?? 0, options.reference?.at ?? 0, ...rows.map((r) => r.value), 1e-12);
  const top = options.reference ? 16 : 4;
  const body = rows
    .map((r, i) => {
      const y = top + i * rowH;
      const w = (barW * Math.max(r.value, 0)) / max;
      return `<text x="0" y="${y + 14}">${esc(r.label)}</text><rect x="${labelW}" y="${y}" width="${px(Math.max(w, 2))}" height="18" fill="${r.color}"/><text x="${px(labelW + w + 6)}" y="${y + 14}">${esc(r.text)}</text>`;
    })
    .join('');
  const height = top + rows.length * rowH + 4;
  const ref = options.reference
    ? `<line x1="${px(labelW + (barW * options.reference.at) / max)}" x2="${px(labelW + (barW * options.reference.at) / max)}" y1="2" y2="${height}" stroke="#1c2430" stroke-dasharray="4 3"/><text x="${px(labelW + (barW * options.reference.at) / max)}" y="11" text-anchor="middle">${esc(options.reference.label)}</text>`
    : '';
  const total = labelW + barW + textW;
  return `<svg role="img" aria-label="${esc(label)}" width="${total}" height="${height}" viewBox="0 0 ${total} ${height}">${ref}${body}</svg>`;
}

export interface ScatterPoint {
  x: number;
  y: number;
  color: string;
  /** Tooltip (the point's <title>). */
  title: string;
  /** A short label drawn beside the point, or none. */
  label?: string;
  /** Drawn larger with a dark ring (e.g. the chosen point). */
  highlight?: boolean;
}

/** Points over two numeric axes, with an optional polyline through some of them (e.g. a Pareto front) and a legend. */
export function scatterPlot(label: string, f: PlotFrame, points: ScatterPoint[], line: { name: string; color: string; points: { x: number; y: number }[] } | null, legendEntries: { name: string; color: string }[]): string {
  const lg = legend([...legendEntries, ...(line ? [{ name: line.name, color: line.color, dashed: true }] : [])], f.width);
  const fr = frame(label, f, lg.rows);
  const path = line
    ? `<polyline fill="none" stroke="${line.color}" stroke-width="1.5" stroke-dasharray="5 3" points="${line.points.map((p) => `${px(fr.sx(p.x))},${px(fr.sy(p.y))}`).join(' ')}"><title>${esc(line.name)}</title></polyline>`
    : '';
  const dots = points
    .map(
      (p) =>
        `<circle cx="${px(fr.sx(p.x))}" cy="${px(fr.sy(p.y))}" r="${p.highlight ? 6.5 : 4}" fill="${p.color}" stroke="${p.highlight ? '#1c2430' : '#fff'}" stroke-width="${p.highlight ? 2 : 1}"><title>${esc(p.title)}</title></circle>` +
        (p.label ? `<text x="${px(fr.sx(p.x) + 8)}" y="${px(fr.sy(p.y) - 6)}">${esc(p.label)}</text>` : ''),
    )
    .join('');
  return `${fr.svgOpen}${lg.svg}${fr.axes}${path}${dots}</svg>`;
}
