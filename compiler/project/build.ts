import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { perLayerSqnr } from '../../firmware-sim/accuracy-vs-float.js';
import { findToolchain } from '../../firmware-sim/measure-image.js';
import type { LayerSqnr, SimulationReport } from '../../firmware-sim/report.js';
import { renderHtml } from '../../firmware-sim/render-html.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { loadCores, resolveTarget } from '../../firmware-sim/targets.js';
import { type Dataset, loadDataset, loadDatasetForModel } from '../data/dataset.js';
import { emitC } from '../emit/c/emit-c.js';
import { emitWasm } from '../emit/wasm/emit-wasm.js';
import { FirmnetError } from '../errors.js';
import { importModelFile } from '../import/import-model-file.js';
import { loadPreprocessing } from '../import/preprocessing-sidecar.js';
import { toJsonText, writeFileAtomic } from '../io/atomic-write.js';
import { packageRoot } from '../io/package-root.js';
import type { FloatModel } from '../model/float-model.js';
import { loadModel, saveModel } from '../model/model-file.js';
import { type AccuracyComparison, compareWithFloat } from '../quantize/accuracy.js';
import { calibrationSetFor } from '../quantize/calibration-set.js';
import type { QModel } from '../quantize/qmodel.js';
import { loadQModel, saveQModel } from '../quantize/qmodel-file.js';
import { quantizeModel } from '../quantize/quantize.js';
import { predictQuantized } from '../reference/predict.js';
import { trainConfig } from '../train/settings.js';
import { type EpochLog, trainModel } from '../train/train.js';
import { FIRMNET_VERSION } from '../version.js';
import { BuildCache, fileHash } from './build-cache.js';
import { type Project, checkProjectFiles } from './project-file.js';

export type BuildStep = 'train' | 'import' | 'quantize' | 'emit wasm' | 'emit c' | 'simulate';

/** What a front end (the CLI's terminal, a test) hears while a build runs. */
export interface BuildProgress {
  step(step: BuildStep, state: 'start' | 'done' | 'cached', seconds?: number): void;
  epoch?(log: EpochLog, total: number): void;
  calibration?(done: number, total: number): void;
}

export interface BuildResult {
  project: Project;
  outDir: string;
  steps: { step: BuildStep; state: 'ran' | 'cached'; seconds: number }[];
  model: FloatModel;
  qmodel: QModel;
  /** Float vs int8 on data.test (the golden reference, bit-identical to both artifacts), or null without test data. */
  accuracy: AccuracyComparison | null;
  perLayerSqnr: LayerSqnr[];
  reports: SimulationReport[];
  files: string[];
}

/** The files a build writes in out/<name>/ (besides the two artifact folders). */
export const BUILD_FILES = { model: 'model.json', qmodel: 'model.q.json', wasm: 'wasm', c: 'c', html: 'report.html', json: 'report.json' } as const;

/**
 * The whole pipeline: train (or import) → quantize with calibration → check the accuracy cost →
 * emit WebAssembly and C → simulate every target → write out/<name>/. Each step is skipped when
 * its inputs (content hashes) and outputs are unchanged since the last build.
 */
export async function build(project: Project, options: { cache?: boolean; progress?: BuildProgress } = {}): Promise<BuildResult> {
  checkProjectFiles(project);
  const out = project.out;
  const cache = new BuildCache(out, options.cache ?? true);
  const progress = options.progress;
  const steps: BuildResult['steps'] = [];
  const run = async <T>(step: BuildStep, key: string, outputs: string[], work: () => Promise<T> | T, reuse: () => T): Promise<T> => {
    if (cache.fresh(step, key, outputs)) {
      progress?.step(step, 'cached');
      steps.push({ step, state: 'cached', seconds: 0 });
      return reuse();
    }
    progress?.step(step, 'start');
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    cache.record(step, key);
    progress?.step(step, 'done', seconds);
    steps.push({ step, state: 'ran', seconds });
    return result;
  };
  const modelFile = join(out, BUILD_FILES.model);
  const qFile = join(out, BUILD_FILES.qmodel);

  // 1. Train, or import a model trained elsewhere.
  const model = project.import
    ? await run('import', BuildCache.key({ file: fileHash(project.import.file), preprocessing: fileHash(project.import.preprocessing), name: project.name, task: project.task }), [BUILD_FILES.model], () => importStep(project, modelFile), () => loadModel(modelFile))
    : await run(
        'train',
        BuildCache.key({ data: fileHash(project.data.train), label: project.data.label, task: project.task, name: project.name, training: project.training }),
        [BUILD_FILES.model],
        () => trainStep(project, modelFile, progress),
        () => loadModel(modelFile),
      );

  // 2. Quantize with calibration (default: a seeded sample of the training data).
  const calibrationFile = project.data.calibration ?? project.data.train;
  const qmodel = await run(
    'quantize',
    BuildCache.key({ model: fileHash(modelFile), calibration: fileHash(calibrationFile), quantization: project.quantization }),
    [BUILD_FILES.qmodel],
    () => {
      const set = calibrationSetFor(model, calibrationFile, project.quantization.calibrationRows, project.quantization.seed);
      const { qmodel: q } = quantizeModel(model, set, project.quantization, progress?.calibration);
      saveQModel(qFile, q);
      return q;
    },
    () => loadQModel(qFile),
  );

  // 3. What int8 costs, on the test data, before spending time on artifacts.
  const test = project.data.test ? loadDatasetForModel(model, project.data.test, project.data.label) : null;
  const accuracy = test ? accuracyOf(model, qmodel, test) : null;
  const sqnr = test ? perLayerSqnr(qmodel, model, test) : [];
  if (project.maxDrop !== null) checkDrop(project, accuracy, sqnr);

  // 4. Firmware artifacts.
  const command = `firmnet build ${project.file ?? project.data.train}`;
  await run('emit wasm', BuildCache.key({ q: qmodel.hash, command }), [join(BUILD_FILES.wasm, 'model.wasm'), join(BUILD_FILES.wasm, 'model.mjs')], () => emitWasm(qmodel, join(out, BUILD_FILES.wasm), { command }), () => null);
  await run(
    'emit c',
    BuildCache.key({ q: qmodel.hash, command, exampleRows: fileHash(project.data.test) }),
    [join(BUILD_FILES.c, 'firmnet_kernels.c')],
    () => emitC(qmodel, join(out, BUILD_FILES.c), { command, exampleRows: test ? { features: test.features, rows: Math.min(4, test.rows), description: `the first rows of ${project.data.test}` } : undefined }),
    () => null,
  );

  // 5. Simulate every target; the accuracy section runs the emitted WebAssembly module.
  const targets = project.targets.map((t) => resolveTarget(t.target, t));
  const reportFile = join(out, BUILD_FILES.json);
  const reports = await run(
    'simulate',
    BuildCache.key({ q: qmodel.hash, model: fileHash(modelFile), test: fileHash(project.data.test), targets: project.targets, simulatorData: simulatorDataHash() }),
    [BUILD_FILES.json, BUILD_FILES.html],
    async () => {
      const r = await simulate(qmodel, { targets, accuracy: test ? { model, data: test, dataFile: project.data.test! } : undefined, wasmDir: join(out, BUILD_FILES.wasm) });
      writeFileAtomic(join(out, BUILD_FILES.html), renderHtml(r, `${project.name}: firmnet build report`));
      writeFileAtomic(reportFile, toJsonText({ firmnet: FIRMNET_VERSION, project: project.name, model: qmodel.hash, reports: r }));
      return r;
    },
    () => (JSON.parse(readFileSync(reportFile, 'utf8')) as { reports: SimulationReport[] }).reports,
  );

  return {
    project,
    outDir: out,
    steps,
    model,
    qmodel,
    accuracy,
    perLayerSqnr: sqnr,
    reports,
    files: Object.values(BUILD_FILES).map((f) => join(out, f)),
  };
}

function trainStep(project: Project, modelFile: string, progress: BuildProgress | undefined): FloatModel {
  const data = loadDataset(project.data.train, { task: project.task, labelColumns: project.data.label });
  const { model } = trainModel(data, trainConfig(project.task, project.training), project.name, { onEpoch: progress?.epoch });
  saveModel(modelFile, model);
  return model;
}

function importStep(project: Project, modelFile: string): FloatModel {
  const imp = project.import!;
  const model = importModelFile(imp.file, {
    file: imp.file,
    name: project.name,
    task: project.task,
    ...(imp.preprocessing ? { preprocessing: loadPreprocessing(imp.preprocessing) } : {}),
  });
  saveModel(modelFile, { ...model, labelColumns: project.data.label });
  return loadModel(modelFile);
}

function accuracyOf(model: FloatModel, q: QModel, test: Dataset): AccuracyComparison {
  const p = predictQuantized(q, test.features, test.rows);
  return compareWithFloat(model, q, test, p.scores, p.dequantized);
}

/** `maxDrop`: stop before emitting when int8 costs too much, and say where it is lost and what to try. */
function checkDrop(project: Project, accuracy: AccuracyComparison | null, sqnr: LayerSqnr[]): void {
  if (!accuracy) throw new FirmnetError('BAD_PROJECT_FILE', `${project.name}: maxDrop needs labelled test data (data.test) to measure the drop on`);
  if (accuracy.drop <= project.maxDrop!) return;
  const worst = [...sqnr].sort((a, b) => a.sqnrDb - b.sqnrDb).slice(0, 2);
  const unit = accuracy.task === 'regression' ? ' (RMSE increase)' : accuracy.task === 'autoencoder' ? ' ROC-AUC points ×100' : ' pp';
  const method = project.quantization.method === 'auto' ? 'a fixed method such as --method percentile or kl' : `--method auto instead of ${project.quantization.method}`;
  throw new FirmnetError(
    'ACCURACY_DROP',
    `${project.name}: int8 costs ${accuracy.drop.toFixed(2)}${unit}, more than the allowed ${project.maxDrop}. ` +
      `The layers with the worst SQNR on the test data are ${worst.map((l) => `${l.name} (${l.sqnrDb.toFixed(1)} dB)`).join(' and ')}. ` +
      `Try 16-bit activations for them (quantization.int16: [${worst.map((l) => `"${l.name}"`).join(', ')}], the 16x8 option) or ${method}; ` +
      `${BUILD_FILES.model} and ${BUILD_FILES.qmodel} are in ${project.out} for inspection.`,
  );
}

/** The simulator's data files (targets, measured profiles and sizes) and the installed toolchains, for the cache key. */
function simulatorDataHash(): string {
  const root = packageRoot();
  const files = ['firmware-sim/measured', 'firmware-sim/targets/cores', 'firmware-sim/targets/boards'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .sort()
      .map((f) => fileHash(join(root, dir, f))),
  );
  return BuildCache.key({ files, toolchains: loadCores().map((c) => findToolchain(c)?.version ?? null) });
}
