import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
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
