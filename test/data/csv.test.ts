import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CsvHeader, type CsvVisitor, parseCsvText, readCsv } from '../../compiler/data/csv.js';
import { MAX_CLASSES, checkCsvColumns, loadDataset, parseDecimal } from '../../compiler/data/dataset.js';
import { Rng } from '../../compiler/rng.js';
import { firmnetErrorOf } from '../helpers/firmnet-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-csv-'));

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('CSV loader', () => {
  it('loads features, labels and classes', () => {
    const file = csv('ok.csv', 'a,b,label\n1,2,cat\n3,4,dog\r\n5,"6",cat\n');
    const d = loadDataset(file, { task: 'multiclass', labelColumns: ['label'] });
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(Array.from(d.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.labels)).toEqual([0, 1, 0]);
    expect(Array.from(d.targets)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('orders numeric classes numerically and treats 1 and 1.0 as one class', () => {
    const file = csv('num.csv', 'x,label\n1,10\n2,2\n3,1.0\n4,1\n');
    const d = loadDataset(file, { task: 'multiclass', labelColumns: ['label'] });
    expect(d.classNames).toEqual(['1', '2', '10']);
  });

  it('names file, line and column of a non-numeric cell', () => {
    const file = csv('text.csv', 'a,b,label\n1,2,0\n3,abc,1\n');
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message).toBe(
      `${file} line 3, column 'b' (column 2): 'abc' is not a number`,
    );
  });

  it('names a missing value', () => {
    const file = csv('missing.csv', 'a,b,label\n1,2,0\n,4,1\n');
    const e = firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] }));
    expect(e.message).toContain(`${file} line 3, column 'a' (column 1): missing value`);
    const na = csv('na.csv', 'a,b,label\n1,NA,0\n3,4,1\n');
    expect(firmnetErrorOf(() => loadDataset(na, { task: 'binary', labelColumns: ['label'] })).message).toContain("line 2, column 'b' (column 2): missing value 'NA'");
  });

  it('names a ragged row', () => {
    const file = csv('ragged.csv', 'a,b,label\n1,2,0\n3,1\n');
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message).toBe(
      `${file} line 3: 2 cells, expected 3 as in the header (ragged row)`,
    );
  });

  it('rejects an empty file and a header-only file', () => {
    expect(firmnetErrorOf(() => loadDataset(csv('empty.csv', ''), { task: 'binary', labelColumns: ['label'] })).message).toContain('is empty');
    expect(firmnetErrorOf(() => loadDataset(csv('header.csv', 'a,label\n'), { task: 'binary', labelColumns: ['label'] })).message).toContain(
      'has a header but no data rows',
    );
  });

  it('names the columns when the label column is wrong', () => {
    const file = csv('nolabel.csv', 'a,b,target\n1,2,0\n');
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message).toBe(
      `${file} has no label column 'label'; its columns are: a, b, target`,
    );
  });

  it('rejects a label outside the declared classes, naming line and column', () => {
    const file = csv('classes.csv', 'a,label\n1,0\n2,1\n3,7\n');
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'multiclass', labelColumns: ['label'], classNames: ['0', '1', '2'] })).message).toBe(
      `${file} line 4, column 'label' (column 2): class '7' is not one of the declared classes [0, 1, 2]`,
    );
  });

  it('rejects a binary task with three classes and a missing file', () => {
    const file = csv('three.csv', 'a,label\n1,0\n2,1\n3,2\n');
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message).toContain('needs exactly 2 classes');
    expect(firmnetErrorOf(() => loadDataset(join(dir, 'nope.csv'), { task: 'binary', labelColumns: ['label'] })).message).toContain('file not found');
  });
});

/** Every record the reader produces, as [line, cells]. */
function records(read: (visitor: CsvVisitor) => number): { header: CsvHeader; rows: [number, string[]][] } {
  let header: CsvHeader | null = null;
  const rows: [number, string[]][] = [];
  read({
    start: (h) => {
      header = h;
    },
    row: (cells, line) => rows.push([line, cells.slice()]),
  });
  return { header: header!, rows };
}

describe('CSV reader', () => {
  it('gives the same records whatever the chunk size (quotes, CRLF, CR, BOM and UTF-8 cut at chunk edges)', () => {
    const text = '\uFEFFa,"b ""q""",é\r\n1,"x,\ny",😀\r\n\n"",2,"3"\r4,5,"6"""\n';
    const file = csv('chunks.csv', text);
    const expected = records((v) => parseCsvText(text, file, v));
    expect(expected.header.names).toEqual(['a', 'b "q"', 'é']);
    expect(expected.rows).toEqual([
      [2, ['1', 'x,\ny', '😀']],
      [5, ['', '2', '3']],
      [6, ['4', '5', '6"']],
    ]);
    for (const chunkBytes of [1, 2, 3, 5, 7, 64]) expect(records((v) => readCsv(file, v, chunkBytes))).toEqual(expected);
  });

  it('sizes its arrays for any mix of line ends (CR-only lines next to LF and CRLF)', () => {
    const text = 'x,label\r1,0\r2,1\r3,0\r4,1\n5,0\r\n6,1\r';
    for (const chunkBytes of [1, 3, 64]) {
      const file = csv('mixed-ends.csv', text);
      expect(records((v) => readCsv(file, v, chunkBytes)).rows.map(([line]) => line)).toEqual([2, 3, 4, 5, 6, 7]);
    }
    const d = loadDataset(csv('mixed-ends.csv', text), { task: 'binary', labelColumns: ['label'] });
    expect(Array.from(d.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(d.labels)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('detects ; and tab separated files from the header', () => {
    const semi = loadDataset(csv('semi.csv', 'a;b;label\n1;2.5;0\n3;4;1\n'), { task: 'binary', labelColumns: ['label'] });
    expect(semi.featureNames).toEqual(['a', 'b']);
    expect(Array.from(semi.features)).toEqual([1, 2.5, 3, 4]);
    const tab = loadDataset(csv('tab.tsv', 'a\tb\tlabel\n1\t2\t0\n3\t4\t1\n'), { task: 'binary', labelColumns: ['label'] });
    expect(Array.from(tab.features)).toEqual([1, 2, 3, 4]);
    // A comma inside a quoted name does not make the file comma-separated.
    expect(loadDataset(csv('quoted.csv', '"a,1";b;label\n1;2;0\n3;4;1\n'), { task: 'binary', labelColumns: ['label'] }).featureNames).toEqual(['a,1', 'b']);
  });

  it('names decimal commas in a ;-separated file and an ambiguous or mixed header', () => {
    const comma = csv('decimal-comma.csv', 'a;label\n1,5;0\n2;1\n');
    expect(firmnetErrorOf(() => loadDataset(comma, { task: 'binary', labelColumns: ['label'] })).message).toBe(
      `${comma} line 2, column 'a' (column 1): '1,5' is not a number (the file is ';'-separated with decimal commas: write decimal points instead)`,
    );
    const both = csv('both.csv', 'a;b\tlabel\n1;2\t0\n');
    expect(firmnetErrorOf(() => loadDataset(both, { task: 'binary', labelColumns: ['label'] })).message).toContain('separator is ambiguous');
    const mixed = csv('mixed.csv', 'a;b;c,label\n1;2;3,0\n');
    expect(firmnetErrorOf(() => loadDataset(mixed, { task: 'binary', labelColumns: ['y'] })).message).toContain("the header looks ';'-separated");
  });

  it('reads decimal numbers only: hex, binary, octal, digit separators and infinities are errors naming line and column', () => {
    const cases: [string, string][] = [
      ['0x10', 'not hexadecimal, binary or octal literals'],
      ['0b11', 'not hexadecimal, binary or octal literals'],
      ['0o7', 'not hexadecimal, binary or octal literals'],
      ['1_000', "without '_' digit separators"],
      ['Infinity', 'infinite values are not accepted'],
      ['-Infinity', 'infinite values are not accepted'],
      ['1e', 'is not a number'],
      ['--1', 'is not a number'],
    ];
    for (const [cell, hint] of cases) {
      const file = csv('literal.csv', `a,label\n1,0\n${cell},1\n`);
      const message = firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message;
      expect(message).toContain(`${file} line 3, column 'a' (column 1): '${cell}' is not a number`);
      expect(message).toContain(hint);
    }
    const ok = loadDataset(csv('decimals.csv', 'a,label\n 12 ,0\n+5,1\n.5,0\n5.,1\n-1.5e3,0\n1E-2,1\n'), { task: 'binary', labelColumns: ['label'] });
    expect(Array.from(ok.features)).toEqual([12, 5, 0.5, 5, -1500, Math.fround(0.01)]);
  });

  it('rejects values beyond the float32 range, naming line and column', () => {
    for (const cell of ['1e308', '3.5e38', '-1e39']) {
      const file = csv('huge.csv', `a,b,label\n1,2,0\n3,${cell},1\n`);
      expect(firmnetErrorOf(() => loadDataset(file, { task: 'binary', labelColumns: ['label'] })).message).toBe(
        `${file} line 3, column 'b' (column 2): '${cell}' is outside the float32 range (±3.4028235e38) the model computes in; rescale the column (e.g. to other units)`,
      );
    }
    const target = csv('huge-target.csv', 'a,y\n1,2\n3,1e300\n');
    expect(firmnetErrorOf(() => loadDataset(target, { task: 'regression', labelColumns: ['y'] })).message).toContain(`${target} line 3, column 'y' (column 2): '1e300' is outside the float32 range`);
    expect(Array.from(loadDataset(csv('max.csv', 'a,y\n3.4e38,1\n-3.4e38,2\n'), { task: 'regression', labelColumns: ['y'] }).features)).toEqual([Math.fround(3.4e38), Math.fround(-3.4e38)]);
  });

  it('parses the same doubles as Number() on the fast path and off it', () => {
    const rng = new Rng(7);
    const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');
    const wrong: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const sign = ['', '-', '+'][rng.int(3)];
      const whole = digits(rng.int(18));
      const fraction = rng.int(3) === 0 ? '' : `.${digits(rng.int(26))}`;
      const exponent = rng.int(5) === 0 ? `e${rng.int(80) - 40}` : '';
      const text = `${sign}${whole}${fraction}${exponent}`;
      const expected = /\d/.test(`${whole}${fraction}`) ? Number(text) : Number.NaN;
      if (!Object.is(parseDecimal(text), expected)) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a label column with more distinct values than a classifier is built for', () => {
    const lines = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `${i},${i}`);
    const file = csv('many.csv', `x,label\n${lines.join('\n')}\n`);
    expect(firmnetErrorOf(() => loadDataset(file, { task: 'multiclass', labelColumns: ['label'] })).message).toContain(`more than ${MAX_CLASSES} distinct labels`);
    expect(loadDataset(file, { task: 'regression', labelColumns: ['label'] }).rows).toBe(MAX_CLASSES + 1);
  });

  it('reads only the header when asked for the columns', () => {
    const file = csv('header-check.csv', 'a;b;label\n1;2;0\nnot,even,csv"\n');
    expect(checkCsvColumns(file, { feature: ['a', 'b'], label: ['label'] }).names).toEqual(['a', 'b', 'label']);
    expect(firmnetErrorOf(() => checkCsvColumns(file, { feature: ['a', 'c'], label: ['label'] })).message).toBe(`${file} has no feature column 'c'; its columns are: a, b, label`);
  });
});
