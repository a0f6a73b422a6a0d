import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { importTfjs } from '../../compiler/import/tfjs.js';
import { expectFirmnetError, firmnetErrorOf } from '../helpers/firmnet-error.js';
import { TFJS_FIXTURES } from './fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'firmnet-hostile-tfjs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type ModelJson = {
  modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown }[] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
};

/** A copy of a fixture folder under `parent`, with model.json edited. */
function variant(fixture: string, parent: string, edit: (json: ModelJson, folder: string) => void): string {
  const folder = join(scratch, parent, 'model');
  rmSync(join(scratch, parent), { recursive: true, force: true });
  cpSync(join(TFJS_FIXTURES, fixture), folder, { recursive: true });
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as ModelJson;
  edit(json, folder);
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
  return join(folder, 'model.json');
}

const importPath = (path: string) => importTfjs(path, { file: 'model/model.json' });

/**
 * sequential-iris with its one 780-byte shard split in two: the first 768 bytes stay in the folder,
 * the last 12 (the output bias) come from `second`, a path the manifest names.
 */
function splitShard(parent: string, second: (folder: string) => string): string {
  return variant('sequential-iris', parent, (json, folder) => {
    const shard = readFileSync(join(folder, 'group1-shard1of1.bin'));
    rmSync(join(folder, 'group1-shard1of1.bin'));
    writeFileSync(join(folder, 'part1.bin'), shard.subarray(0, 768));
    json.weightsManifest[0].paths = ['part1.bin', second(folder)];
  });
}

describe('TF.js weight paths are confined to the model folder', () => {
  it('refuses a path that leaves the folder, and the message says nothing about the outside file', () => {
    // 12 bytes outside the folder would complete the last bias exactly; 5,000 would tell its size.
    writeFileSync(join(scratch, 'secret12.txt'), 'SECRETSECRET');
    writeFileSync(join(scratch, 'secret5000.txt'), 'S'.repeat(5000));
    for (const secret of ['secret12.txt', 'secret5000.txt']) {
      const path = splitShard(`up-${secret}`, () => `../../${secret}`);
      const e = firmnetErrorOf(() => importPath(path));
      expect(e.code).toBe('BAD_TFJS');
      expect(e.message).toBe(
        `model/model.json: weight file '../../${secret}' listed in weightsManifest[0].paths[1] leads outside the model's folder; weight files must lie in the folder of model.json (or below it)`,
      );
    }
  });

  it('refuses an absolute path and a symbolic link that leads out of the folder', () => {
    expectFirmnetError(() => importPath(splitShard('absolute', () => join(scratch, 'secret12.txt'))), 'BAD_TFJS', 'is an absolute path; weight files are named relative to model.json');
    const link = splitShard('link', (folder) => {
      symlinkSync(join(scratch, 'secret12.txt'), join(folder, 'tail.bin'));
      return 'tail.bin';
    });
    expectFirmnetError(() => importPath(link), 'BAD_TFJS', "weight file 'tail.bin' listed in weightsManifest[0].paths[1] leads outside the model's folder through a symbolic link");
    const linkedFolder = splitShard('linked-folder', (folder) => {
      symlinkSync(scratch, join(folder, 'shards'));
      return 'shards/secret12.txt';
    });
    expectFirmnetError(() => importPath(linkedFolder), 'BAD_TFJS', 'through a symbolic link');
  });

  it('refuses what is not a regular file: a directory, /dev/zero through a link, a named pipe, a device as the model file', async () => {
    expectFirmnetError(() => importPath(splitShard('directory', (folder) => (mkdirSync(join(folder, 'sub')), 'sub'))), 'BAD_TFJS', "'sub' listed in weightsManifest[0].paths[1] is not a regular file (a directory)");
    // Reading /dev/zero or opening a pipe never returns, so these run in a child process with a deadline.
    const zero = splitShard('dev-zero', (folder) => (symlinkSync('/dev/zero', join(folder, 'zero.bin')), 'zero.bin'));
    // Node has no mkfifo; the coreutils command is on every POSIX system the tests run on.
    const fifo = splitShard('fifo', (folder) => (execFileSync('mkfifo', [join(folder, 'pipe.bin')]), 'pipe.bin'));
    for (const [path, message] of [
      [zero, "'zero.bin' listed in weightsManifest[0].paths[1] leads outside the model's folder through a symbolic link"],
      [fifo, "'pipe.bin' listed in weightsManifest[0].paths[1] is not a regular file (a named pipe)"],
    ]) {
      const r = await firmnet(['import', path, '--out', join(scratch, 'never.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const device = await firmnet(['import', '/dev/zero', '--out', join(scratch, 'never.json')]);
    expect([device.code, device.stderr.trim()]).toEqual([2, 'firmnet: error: model file /dev/zero is not a regular file (a device)']);
  });

  it('reads no more than the manifest declares: a longer shard is refused before it is read', () => {
    const longer = variant('sequential-iris', 'longer', (_, folder) => writeFileSync(join(folder, 'group1-shard1of1.bin'), Buffer.alloc(1 << 20)));
    expectFirmnetError(() => importPath(longer), 'BAD_TFJS', "weight file 'group1-shard1of1.bin' listed in weightsManifest[0].paths[0] holds 1048576 bytes, but the weights of weightsManifest[0] need only 780 more");
  });

  it('still reads shards in a sub-folder and links that stay inside the folder', () => {
    const reference = importPath(variant('sequential-iris', 'plain', () => {})).layers;
    const nested = variant('sequential-iris', 'nested', (json, folder) => {
      mkdirSync(join(folder, 'shards'));
      cpSync(join(folder, 'group1-shard1of1.bin'), join(folder, 'shards', 'a.bin'));
      symlinkSync('shards/a.bin', join(folder, 'alias.bin'));
      json.weightsManifest[0].paths = ['./shards/../alias.bin'];
    });
    expect(importPath(nested).layers).toEqual(reference);
  });
});

/** The CLI in a child process, killed after 30 s (a hang fails the test instead of stalling the run). */
async function firmnet(args: string[]): Promise<{ code: number | null; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/firmnet.js', ...args], { timeout: 30_000, encoding: 'utf8' });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; killed?: boolean; stderr?: string };
    return { code: err.killed ? null : typeof err.code === 'number' ? err.code : null, stderr: err.stderr ?? '' };
  }
}
