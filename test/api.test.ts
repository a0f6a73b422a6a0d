import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAsync } from './helpers/child-process.js';

describe('the Node API example in README.md', () => {
  it('runs as written (through the package name, from the built dist/)', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## Node API\n\n```js\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-readme-'));
    // Placed inside the package so that `import 'firmnet'` resolves to it, as in a user's project.
    const script = join(process.cwd(), `.readme-example-${process.pid}.mjs`);
    writeFileSync(script, block![1].replaceAll("'build/iris", `'${dir}/iris`));
    try {
      const r = await spawnAsync(process.execPath, [script]);
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toMatch(/^\d+\.\d{3} ms on RP2040, int8 drop -?\d+\.\d{2} pp\n$/);
    } finally {
      rmSync(script, { force: true });
    }
  });
});
