import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the Node API example in README.md', () => {
  it('runs as written (through the package name, from the built dist/)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## Node API\n\n```js\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-readme-'));
    // Placed inside the package so that `import 'firmnet'` resolves to it, as in a user's project.
    const script = join(process.cwd(), `.readme-example-${process.pid}.mjs`);
    writeFileSync(script, block![1].replaceAll("'build/iris", `'${dir}/iris`));
    try {
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^\d+\.\d{3} ms on RP2040, int8 drop -?\d+\.\d{2} pp\n$/);
    } finally {
      spawnSync('rm', ['-f', script]);
    }
  });
});
