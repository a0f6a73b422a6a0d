import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQModelText } from '../../compiler/quantize/qmodel-file.js';
import { halfWrittenOutputs } from '../../scripts/fuzz/case-folder.js';
import { classify, messageProblem } from '../../scripts/fuzz/classify.js';
import type { FuzzCase, RunResult, StepResult } from '../../scripts/fuzz/fuzz-case.js';
import { generateCase } from '../../scripts/fuzz/generate/index.js';
import { reseal } from '../../scripts/fuzz/generate/ir.js';
import type { DataSeed, Seeds } from '../../scripts/fuzz/seeds.js';
import { MARKER } from '../../scripts/fuzz/mutate/hostile-values.js';
import { type JsonValue, RawToken, jsonText, parseJsonTree } from '../../scripts/fuzz/mutate/json-tree.js';
import { markerInCCode, terminalControlCharacter } from '../../scripts/fuzz/output-checks.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const aCase = (overrides: Partial<FuzzCase> = {}): FuzzCase => ({
  id: 'csv-1-0',
  kind: 'csv',
  seed: 1,
  index: 0,
  origin: 'test',
  mutations: [],
  files: [{ path: 'data/train.csv', type: 'file', bytes: new Uint8Array() }],
  steps: [
    { type: 'cli', argv: ['train', '--data', '{dir}/data/train.csv'], timeoutMs: 1000 },
    { type: 'cli', argv: ['quantize', '{dir}/model.json'], timeoutMs: 1000 },
  ],
  mustReject: null,
  ...overrides,
});

const step = (exitCode: number, stderr = '', stdout = '', at = 0): StepResult => ({ step: at, argv: ['train', '--data', '/tmp/x/data/train.csv'], exitCode, stdout, stderr, ms: 1 });
const done = (...steps: StepResult[]): RunResult => ({ status: 'done', steps, outputs: [], leftovers: [] });

describe('classifying a case', () => {
  it('an internal error is a crash, with the first frame inside firmnet', () => {
    const stderr = [
      'firmnet: internal error (a bug in firmnet; please report it with the command you ran):',
      "TypeError: Cannot read properties of null (reading 'length')",
      '    at Array.map (<anonymous>)',
      '    at inboundNames (file:///w/dist/compiler/import/tfjs.js:118:24)',
      '    at chainOfLayers (file:///w/dist/compiler/import/tfjs.js:77:45)',
    ].join('\n');
    const o = classify(aCase(), done(step(1, stderr)));
    expect(o.outcome).toBe('crash');
    expect(o.topFrame).toBe('Array.map (<anonymous>)');
    expect(o.firmnetFrame).toBe('inboundNames (dist/compiler/import/tfjs.js:118:24)');
    expect(o.signature).toBe("crash|TypeError: Cannot read properties of null (reading <q>)|inboundNames (dist/compiler/import/tfjs.js");
  });

  it('a refused file is clean when the message is one paragraph naming the file', () => {
    const o = classify(aCase(), done(step(2, 'firmnet: error: /tmp/x/data/train.csv line 3: ragged row\n')));
    expect(o.outcome).toBe('clean');
    expect(messageProblem('a column is missing', aCase(), step(2))).toBe('does not name the file');
    expect(messageProblem('/etc/hostname has a header but no data rows', aCase(), step(2))).toBeNull();
    expect(messageProblem('train.csv: one\n\ntwo', aCase(), step(2))).toBe('more than one paragraph');
  });

  it('an exit code the command never means is a wrong exit code', () => {
    expect(classify(aCase(), done(step(3, 'firmnet: error: train.csv: x\n'))).outcome).toBe('wrong-exit');
    expect(classify(aCase(), done(step(4, 'firmnet: error: train.csv: x\n'))).outcome).toBe('wrong-exit');
    const build = aCase({ steps: [{ type: 'cli', argv: ['build', '{dir}/project.json'], timeoutMs: 1000 }] });
    expect(classify(build, done({ ...step(4, 'firmnet: error: project.json: int8 costs 3 pp\n'), argv: ['build', 'project.json'] })).outcome).toBe('clean');
  });

  it('a file that had to be refused but was accepted is a wrong exit code', () => {
    const o = classify(aCase({ mustReject: 'a feature cell holds 0x10' }), done(step(0), step(0, '', '', 1)));
    expect(o.outcome).toBe('wrong-exit');
    expect(o.detail).toContain('a feature cell holds 0x10');
  });

  it('a stack trace on stderr with exit 2, and a limit that stopped the second command, are failures', () => {
    expect(classify(aCase(), done(step(2, 'firmnet: error: x\n    at foo (file:///a.js:1:2)\n'))).outcome).toBe('stack-trace');
    const hang = classify(aCase(), { status: 'timeout', limitMs: 1000, steps: [step(0)], stack: ['at read (file:///w/dist/compiler/import/onnx.js:38:9)'] });
    expect(hang.outcome).toBe('hang');
    expect(hang.detail).toContain('`quantize` still running after 1000 ms, in read (dist/compiler/import/onnx.js:38:9)');
    expect(hang.signature).toBe('hang|quantize|dist/compiler/import/onnx.js');
  });

  it('a refused command that left its output, or a temporary file that outlived its command, is half-written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-fuzz-harness-'));
    const c = aCase();
    const quantize = { ...step(2, 'firmnet: error: model.json: x\n', '', 1), argv: ['quantize', 'model.json', '--out', 'model.q.json'] };
    expect(halfWrittenOutputs(c, dir, quantize)).toEqual([]);
    writeFileSync(join(dir, 'model.q.json'), '{"format":');
    mkdirSync(join(dir, 'c', 'src'), { recursive: true });
    writeFileSync(join(dir, 'c', 'src', '.model.c.4242.tmp'), 'int');
    expect(halfWrittenOutputs(c, dir, quantize)).toEqual(['c/src/.model.c.4242.tmp (3 bytes) outlived its command', '`quantize` exited 2 but wrote model.q.json (10 bytes)']);
    const emit = { ...quantize, argv: ['emit', 'model.q.json', '--target', 'c', '--out', 'c'] };
    expect(halfWrittenOutputs(c, dir, emit)).toContain('`emit` exited 2 but wrote 1 file(s) in c/');
    // An accepted run may leave its outputs; a build's out folder holds earlier sets, so only debris counts there.
    expect(halfWrittenOutputs(c, dir, null)).toEqual(['c/src/.model.c.4242.tmp (3 bytes) outlived its command']);
    const o = classify(c, { status: 'done', steps: [step(0), quantize], outputs: [], leftovers: ['`quantize` exited 2 but wrote model.q.json (10 bytes)'] });
    expect(o.outcome).toBe('half-written');
    expect(o.signature).toBe('half-written|quantize|<q> exited N but wrote model.q.json (N bytes)');
  });

  it('raw control characters on the terminal are a finding', () => {
    expect(classify(aCase(), done(step(2, "firmnet: error: train.csv: name '\u001b[31m'\n"))).outcome).toBe('bad-output');
    expect(terminalControlCharacter('tab\tand newline\n are fine, so is é and ─')).toBeNull();
    expect(terminalControlCharacter('bell \u0007')).toMatch(/^U\+0007/);
  });
});

describe('finding a name that became C code', () => {
  it('sees the marker outside comments and literals only', () => {
    expect(markerInCCode(`/* layer */ ${MARKER}(); /* */`)).toEqual({ line: 1, text: `/* layer */ ${MARKER}(); /* */` });
    expect(markerInCCode(`int a;\n// name: \\\n${MARKER}();\n`)).toBeNull();
    expect(markerInCCode(`int a;\n// name:\n${MARKER}();\n`)?.line).toBe(3);
    expect(markerInCCode(`/* *\\/ ${MARKER}() */ const char *n = "\\" ${MARKER}(); \\"";`)).toBeNull();
    expect(markerInCCode(`void ${MARKER}_invoke(void); int __${MARKER}_x;`)).toBeNull();
  });
});

describe('JSON trees', () => {
  it('writes number tokens JSON.stringify cannot, and nesting deeper than the call stack', () => {
    let deep: JsonValue = new RawToken('1e999');
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const text = jsonText({ a: deep, b: 'x"y', ['__proto__']: 1 } as JsonValue);
    expect(text.startsWith('{"a":[[[')).toBe(true);
    expect(text.endsWith(']]],"b":"x\\"y","__proto__":1}')).toBe(true);
    expect(text).toContain('[1e999]');
  });

  it('an IR with a changed layer gets hashes the reader accepts again', () => {
    const ir = JSON.stringify((JSON.parse(readFileSync('test/vectors/iris-relu.json', 'utf8')) as { qmodel: unknown }).qmodel);
    const root = parseJsonTree(ir) as { layers: { name: string }[] };
    root.layers[0].name = `*/ ${MARKER}(); /*`;
    expectFirmnetError(() => parseQModelText(jsonText(root as unknown as JsonValue), 'm.q.json'), 'BAD_IR_FILE', 'layers[0].hash');
    expect(reseal(root as unknown as JsonValue)).toBe(true);
    expect(parseQModelText(jsonText(root as unknown as JsonValue), 'm.q.json').layers[0].name).toBe(`*/ ${MARKER}(); /*`);
  });
});

describe('generating cases', () => {
  // CSV cases need only a data slice and, for calibration cases, a model file to copy: stand-ins do.
  const csv = readFileSync('models/data/iris/train.csv', 'utf8').split('\n').slice(0, 41).join('\n');
  const data: DataSeed = { name: 'iris', task: 'multiclass', label: ['label'], csv: `${csv}\n` };
  const seeds: Seeds = { data: [data], models: [{ name: 'iris', data, model: '{"stand-in":true}', irs: [], onnx: new Uint8Array() }], onnx: [], tfjs: [] };
  const text = (seed: number, index: number): string => JSON.stringify(generateCase(seed, index, ['csv'], seeds), (_, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

  it('makes case i from the campaign seed and i alone: the same seed gives the same bytes, another seed other cases', () => {
    const indexes = Array.from({ length: 40 }, (_, i) => i * 7);
    const first = indexes.map((i) => text(20261201, i));
    // Generated out of order, the same cases come out: nothing carries over from one case to the next.
    expect([...indexes].reverse().map((i) => text(20261201, i)).reverse()).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    const other = indexes.map((i) => text(20261202, i));
    expect(other.filter((t, k) => t !== first[k]).length).toBeGreaterThan(35);
    expect(generateCase(20261201, 7, ['csv'], seeds).id).toBe('csv-20261201-7');
  });
});
