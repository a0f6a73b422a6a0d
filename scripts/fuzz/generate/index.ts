/**
 * Case i of a campaign is a pure function of (seed, i, the kinds asked for, the seed files): its
 * own generator seeded from (seed, i) picks the kind, the valid file and the mutations.
 */
import { Rng } from '../../../compiler/rng.js';
import { type FuzzCase, type Kind, caseId } from '../fuzz-case.js';
import { caseSeed, chance, weighted } from '../mutate/choose.js';
import type { Seeds } from '../seeds.js';
import type { Generated, GeneratorInput } from './common.js';
import { generateCsv } from './csv.js';
import { generateIr } from './ir.js';
import { generateModel } from './model.js';
import { generateOnnxBytes, generateOnnxProto } from './onnx.js';
import { generateProject } from './project.js';
import { generateTfjs } from './tfjs.js';

/** Share of each kind in a campaign; a project case builds everything, so it gets fewer. */
export const KIND_WEIGHTS: Record<Kind, number> = { csv: 22, 'onnx-proto': 20, 'onnx-bytes': 8, tfjs: 17, model: 13, ir: 15, project: 5 };

const GENERATORS: Record<Kind, (input: GeneratorInput) => Generated> = {
  csv: generateCsv,
  'onnx-proto': generateOnnxProto,
  'onnx-bytes': generateOnnxBytes,
  tfjs: generateTfjs,
  model: generateModel,
  ir: generateIr,
  project: generateProject,
};

/** Share of cases that also build WebAssembly and run the simulator. */
const DEEP_SHARE = 0.03;

export function generateCase(seed: number, index: number, kinds: readonly Kind[], seeds: Seeds, timeScale = 1): FuzzCase {
  const rng = new Rng(caseSeed(seed, index));
  const kind = weighted(rng, kinds.map((k) => [k, KIND_WEIGHTS[k]] as const));
  const deep = kind !== 'project' && chance(rng, DEEP_SHARE);
  const g = GENERATORS[kind]({ rng, seeds, deep });
  const steps = g.steps.map((s) => (s.type === 'cli' ? { ...s, timeoutMs: Math.round(s.timeoutMs * timeScale) } : s));
  return { id: caseId(kind, seed, index), kind, seed, index, origin: g.origin, mutations: g.mutations, files: g.files, steps, mustReject: g.mustReject };
}
