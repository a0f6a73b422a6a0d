/**
 * Names from model files reach the HTML report and the terminal escaped: no tag, script or attribute
 * from a name in the page (which shows every name as text), and no control character, escape
 * sequence, line break or bidirectional override from a name on the terminal.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmnetError } from '../../compiler/errors.js';
import { floatModelToOnnx } from '../../compiler/export/onnx.js';
import { saveModel } from '../../compiler/model/model-file.js';
import { saveQModel } from '../../compiler/quantize/qmodel-file.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { terminalText } from '../../compiler/terminal-text.js';
import { renderHtml } from '../../firmware-sim/render-html.js';
import { renderTerminal } from '../../firmware-sim/render-terminal.js';
import type { SimulationReport } from '../../firmware-sim/report.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';
import { HOSTILE_MODEL_NAME, HOSTILE_NAMES, hostileQModel } from '../helpers/hostile-names.js';
import { trainSmall } from '../import/trained-models.js';
import { accuracyLines, evaluationLines } from '../../compiler/evaluate/evaluation-lines.js';
import { formatTable } from '../../compiler/io/text-table.js';

const run = promisify(execFile);

/** What a terminal acts on instead of printing: C0 (line breaks too, in a name), DEL, C1, separators, bidi controls. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const { model, test } = trainSmall('iris', { hidden: [8] }, 4);
const q = hostileQModel(quantizeModel(model, { features: test.features, rows: test.rows, description: 'iris test rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel);
const dir = mkdtempSync(join(tmpdir(), 'firmnet-hostile-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let reports: SimulationReport[];
beforeAll(async () => {
  reports = await simulate(q, { targets: [resolveTarget('stm32l4r5')], accuracy: { model, data: test, dataFile: 'models/data/iris/test.csv' } });
});

describe('the HTML report of a hostile-names IR', () => {
  it('has no tag, script or entity from a name: every name is text', () => {
    const html = renderHtml(reports, `${q.name}: firmnet simulation`);
    expect(html).not.toMatch(/<script|<\/script|<b>injected|<[^>]*injected/i);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;injected&quot;)&lt;/script&gt;');
  });

  it.skipIf(!HAVE_CHROMIUM)('renders in Chromium with no script element and the names as they are', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(reports, `${q.name}: firmnet simulation`));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${file}`);
      expect(await page.locator('script').count()).toBe(0);
      const heading = await page.locator('h1').textContent();
      for (const text of ['</script><script>alert("injected")</script><b>injected bold</b>', '$(shell touch injected_by_make) `touch injected_by_shell`', 'naïve 数字 injected']) {
        expect(heading).toContain(text);
      }
      const cells = await page.locator('table.cm th').allTextContents();
      const printable = q.classNames.filter((c) => !/[\u0000-\u001f]/.test(c));
      expect(printable.length).toBeGreaterThan(1);
      for (const c of printable) expect(cells).toContain(c);
    } finally {
      await browser.close();
    }
  });
});

describe('terminal output with hostile names', () => {
  it('keeps every line of the sim report one line without control characters', () => {
    const lines = renderTerminal(reports[0]);
    expect(lines[0]).toBe(`${terminalText(HOSTILE_MODEL_NAME)} on ${reports[0].target.description}`);
    for (const line of lines) expect(line).not.toMatch(TERMINAL_CONTROL);
    expect(lines.join('\n')).toContain('\\x1b[31minjected red');
  });

  it('escapes names in tables and report lines, keeping the columns aligned', () => {
    const accuracy = reports[0].accuracy;
    if (!accuracy) throw new Error('expected an accuracy section');
    for (const line of [...accuracyLines(accuracy, q.classNames), ...evaluationLines(accuracy.quantized, q.classNames)]) {
      expect(line, line).not.toMatch(TERMINAL_CONTROL);
    }
    const table = formatTable(['name', 'n'], HOSTILE_NAMES.map((n, i) => [n, i])).split('\n');
    expect(table).toHaveLength(HOSTILE_NAMES.length + 2);
    expect(new Set(table.slice(2).map((l) => l.length)).size).toBe(1);
  });

  it('escapes names inside error messages', () => {
    const error = new FirmnetError('BAD_ARGUMENT', `layer '${HOSTILE_NAMES[7]}' is wrong`);
    expect(error.message).not.toMatch(TERMINAL_CONTROL);
    expect(error.message).toBe("layer '\\x1b[31minjected red\\x1b]0;injected title\\x07\\x1b[2J\\x1b[H' is wrong");
  });

  it('firmnet sim and firmnet import print no control character from a name', async () => {
    const irFile = join(dir, 'hostile.q.json');
    saveQModel(irFile, q);
    const floatFile = join(dir, 'hostile.json');
    saveModel(floatFile, { ...model, name: HOSTILE_MODEL_NAME });
    const onnx = join(dir, 'hostile.onnx');
    writeFileSync(onnx, floatModelToOnnx({ ...model, name: HOSTILE_MODEL_NAME, classNames: model.classNames.map((c, i) => `${HOSTILE_NAMES[i + 7]} ${c}`) }));
    const cli = resolve('bin/firmnet.js');
    const outputs = [
      await run(process.execPath, [cli, 'sim', irFile, '--target', 'stm32l4r5']),
      await run(process.execPath, [cli, 'import', onnx, '--out', join(dir, 'imported.json')]),
      await run(process.execPath, [cli, 'quantize', floatFile, '--calib', 'models/data/iris/test.csv', '--out', join(dir, 'requantized.q.json')]),
    ];
    for (const { stdout, stderr } of outputs) {
      for (const line of `${stdout}${stderr}`.split('\n')) expect(line, line).not.toMatch(TERMINAL_CONTROL);
    }
    expect(outputs[0].stdout.split('\n')[0]).toBe(`${terminalText(HOSTILE_MODEL_NAME)} on ${reports[0].target.description}`);
    const json = await run(process.execPath, [cli, 'sim', irFile, '--target', 'stm32l4r5', '--json']);
    expect(json.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(json.stdout).reports[0].model.classNames).toEqual(q.classNames);
    expect(outputs[1].stdout).not.toMatch(/^#include|^#define/m);
  });
});
