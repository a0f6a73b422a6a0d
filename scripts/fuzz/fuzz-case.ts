/**
 * One fuzz case: the files a hostile user hands firmnet and the firmnet commands that read them.
 * A case is plain data (it crosses to the runner process and into replay files), so everything in
 * it is JSON-safe except file contents, which are bytes.
 */

export const KINDS = ['csv', 'onnx-proto', 'onnx-bytes', 'tfjs', 'model', 'ir', 'project'] as const;
export type Kind = (typeof KINDS)[number];

/** A file of the case, relative to the case folder. Symlinks and FIFOs test "not a regular file". */
export type CaseFile =
  | { path: string; type: 'file'; bytes: Uint8Array }
  | { path: string; type: 'symlink'; target: string }
  | { path: string; type: 'fifo' };

/**
 * One step: a firmnet command line, or a harness action between commands. `{dir}/` in an argument
 * marks a path in the case folder; commands run with the case folder as the current folder and get
 * it relative, so nothing a command records or prints depends on where the campaign runs.
 */
export type Step =
  /** `timeoutMs`: wall-clock budget of the command; past it the case is a hang. */
  | { type: 'cli'; argv: string[]; timeoutMs: number }
  /** Writes a calibration CSV with the feature columns of a model the previous step wrote (imports have no training data). */
  | { type: 'calibration-csv'; model: string; out: string; rows: number; seed: number };

export interface FuzzCase {
  /** `<kind>-<seed>-<index>`: enough to regenerate the case. */
  id: string;
  kind: Kind;
  seed: number;
  index: number;
  /** The valid file this case was made from. */
  origin: string;
  /** The mutations applied, in order, one short phrase each. */
  mutations: string[];
  files: CaseFile[];
  steps: Step[];
  /**
   * Why the input must be refused (exit 2), when a mutation makes it hostile in a way firmnet has to
   * notice (a shard outside the model folder, a cyclic graph, a hex cell); null when accepting it is fine.
   */
  mustReject: string | null;
}

/** What one command did. */
export interface StepResult {
  /** Index of the command in the case's steps. */
  step: number;
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * What running a case produced, before classification. `steps` holds the commands that finished; a
 * case stopped by a limit was inside the step after the last of them. `stack` is the JavaScript
 * stack sampled when the limit hit (empty when the process was inside native code).
 */
export type RunResult =
  | { status: 'done'; steps: StepResult[]; outputs: OutputSample[]; leftovers: string[] }
  | { status: 'timeout'; stack: string[]; steps: StepResult[]; limitMs: number }
  | { status: 'memory'; stack: string[]; steps: StepResult[]; detail: string }
  | { status: 'died'; detail: string; steps: StepResult[] };

/** A generated source file read back for the output checks (C files only). */
export interface OutputSample {
  path: string;
  text: string;
}

export function caseId(kind: Kind, seed: number, index: number): string {
  return `${kind}-${seed}-${index}`;
}

export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export function fileSizeOf(c: FuzzCase): number {
  return c.files.reduce((s, f) => s + (f.type === 'file' ? f.bytes.length : 0), 0);
}

/** `{dir}/x` → `x`, relative to the case folder (the current folder of the command). */
export function expandArgs(argv: string[]): string[] {
  return argv.map((a) => a.split('{dir}/').join('').split('{dir}').join('.'));
}
