/**
 * The model summary as terminal lines: one row per layer, a totals row, then the model's facts.
 * Names come from model files; formatTable escapes every cell.
 */
import { formatTable } from '../io/text-table.js';
import type { LayerSummary, ModelSummary, TensorQuantization } from './model-summary.js';

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  return n >= 1024 ? `${count(n)} B (${(n / 1024).toFixed(1)} KiB)` : `${n} B`;
}

/** `int8 0.0235294 / -128`: bits, scale (6 significant digits; --json has them exact) and zero point. */
function tensorText(t: TensorQuantization): string {
  return `int${t.bits} ${Number(t.scale.toPrecision(6))} / ${t.zeroPoint}`;
}

function layerRow(l: LayerSummary, quantized: boolean): string[] {
  const row = [String(l.index), l.name, l.op, `${l.inFeatures} → ${l.outFeatures}`, count(l.parameters), count(l.macs), count(l.constantBytes)];
  if (!quantized) return row;
  const q = l.quantization;
  return [...row, q ? tensorText(q.input) : '', q ? tensorText(q.output) : '', q?.weights ? `int${q.weights.bits} ${q.weights.granularity.replace('_', '-')}` : '—'];
}

export function summaryLines(s: ModelSummary): string[] {
  const quantized = s.kind === 'quantized';
  const headers = ['#', 'layer', 'op', 'features', 'parameters', 'MACs', 'constant bytes', ...(quantized ? ['input (scale / zero point)', 'output (scale / zero point)', 'weights'] : [])];
  const rows = s.layers.map((l) => layerRow(l, quantized));
  rows.push(['', 'total', '', `${s.inputFeatures} → ${s.outputFeatures}`, count(s.totals.parameters), count(s.totals.macs), count(s.totals.constantBytes), ...(quantized ? ['', '', ''] : [])]);
  const source = { firmnet: 'firmnet float model', onnx: 'float model imported from ONNX', tfjs: 'float model imported from TF.js', 'firmnet.qmodel': 'quantized IR' }[s.format];
  const lines = [`${s.name}: ${source}, ${s.task}, ${s.layers.length} layers, head ${s.head}`, '', ...formatTable(headers, rows).split('\n'), ''];
  lines.push(`parameters ${count(s.totals.parameters)}, ${count(s.totals.macs)} MACs per inference, constants ${bytes(s.totals.constantBytes)} (${s.constantsAre})`);
  if (s.ir) lines.push(`IR hash ${s.ir.hash}, calibration ${s.ir.calibration}`);
  if (s.classNames.length > 0) lines.push(`classes (${s.classNames.length}): ${s.classNames.length > 12 ? `${s.classNames.slice(0, 12).join(', ')}, …` : s.classNames.join(', ')}`);
  return lines;
}
