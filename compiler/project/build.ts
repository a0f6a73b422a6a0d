import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { perLayerSqnr } from '../../firmware-sim/accuracy-vs-float.js';
import { findToolchain } from '../../firmware-sim/measure-image.js';
import type { LayerSqnr, SimulationReport } from '../../firmware-sim/report.js';
import { renderHtml } from '../../firmware-sim/render-html.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { loadCores, resolveTarget } from '../../firmware-sim/targets.js';
import { type Dataset, loadDataset, loadDatasetForModel } from '../data/dataset.js';
import { emitC } from '../emit/c/emit-c.js';
import { kernelFiles } from '../emit/c/kernel-sources.js';
import { kernelModule } from '../emit/wasm/kernel-module.js';
import { emitWasm } from '../emit/wasm/emit-wasm.js';
import { loaderTemplate } from '../emit/wasm/render-loader.js';
import { FirmnetError, isFirmnetError } from '../errors.js';
import { importModelFile } from '../import/import-model-file.js';
import { loadPreprocessing } from '../import/preprocessing-sidecar.js';
import { toJsonText, writeFileAtomic } from '../io/atomic-write.js';
import { canonicalJson, sha256Hex } from '../io/content-hash.js';
import { packageRoot } from '../io/package-root.js';
import { recordedPath, relativePath } from '../io/recorded-path.js';
import type { FloatModel } from '../model/float-model.js';
import { loadModel, saveModel } from '../model/model-file.js';
import { calibrationSetFor } from '../quantize/calibration-set.js';
import type { QModel } from '../ir/qmodel.js';
import { loadQModel, saveQModel } from '../quantize/qmodel-file.js';
import { type CalibrationSet, quantizeModel } from '../quantize/quantize.js';
import { headlineMetric } from '../evaluate/evaluate.js';
import { DEFAULT_QAT_SETTINGS, quantizeWithQat, weightBitsFor } from '../train/qat/qat.js';
import { type QuantizationChoice, qatNeeded, shippedIr } from '../train/qat/qat-choice.js';
import { predictQuantized } from '../reference/predict.js';
import { trainConfig } from '../train/settings.js';
import { type EpochLog, trainModel } from '../train/train.js';
import { FIRMNET_VERSION } from '../version.js';
import { BuildCache, fileHash } from './build-cache.js';
import { OutputSet } from './output-set.js';
import { type Project, checkProjectFiles } from './project-file.js';
import { type AccuracyComparison, compareWithFloat } from '../evaluate/compare-with-float.js';

export type BuildStep = 'train' | 'import' | 'quantize' | 'emit wasm' | 'emit c' | 'simulate';

/** What a front end (the CLI's terminal, a test) hears while a build runs. */
export interface BuildProgress {
  step(step: BuildStep, state: 'start' | 'done' | 'cached', seconds?: number): void;
  epoch?(log: EpochLog, total: number): void;
  calibration?(done: number, total: number): void;
  /** A line worth telling that is not a step, e.g. why nothing could be reused. */
  note?(message: string): void;
}

export interface BuildResult {
  project: Project;
  outDir: string;
  steps: { step: BuildStep; state: 'ran' | 'cached'; seconds: number }[];
  model: FloatModel;
  qmodel: QModel;
  /** Float vs int8 on data.test (the golden reference, bit-identical to both artifacts), or null without test data. */
  accuracy: AccuracyComparison | null;
  /** With quantization.qat: post-training vs QAT on the test data, and which IR was shipped. */
  quantization: QuantizationChoice | null;
  perLayerSqnr: LayerSqnr[];
  reports: SimulationReport[];
  files: string[];
}

/** The files a build writes in out/<name>/ (besides the two artifact folders). */
export const BUILD_FILES = { model: 'model.json', qmodel: 'model.q.json', quantization: 'quantization.json', wasm: 'wasm', c: 'c', html: 'report.html', json: 'report.json' } as const;

/**
 * The whole pipeline: train (or import) → quantize with calibration → check the accuracy cost →
 * emit WebAssembly and C → simulate every target → write out/<name>/. Each step is skipped when
 * its inputs (content hashes) and its outputs (the files it wrote, byte for byte) are unchanged
 * since the last build. The outputs change as one set (see OutputSet): a build that stops early
 * leaves the previous set, and one stopped by `maxDrop` leaves only the float and quantized models.
 */
export async function build(project: Project, options: { cache?: boolean; progress?: BuildProgress } = {}): Promise<BuildResult> {
  checkProjectFiles(project);
  const out = project.out;
  const files = new OutputSet(out);
  const { cache, problem } = BuildCache.read(out, options.cache ?? true);
  const progress = options.progress;
  if (problem) progress?.note?.(problem);
  try {
    const result = await runSteps(project, cache, files, progress);
    files.commit(Object.values(BUILD_FILES));
    return result;
  } catch (e) {
    // Stopped by maxDrop: the models it names for inspection are this build's, and nothing emitted from an older model stays beside them.
    if (isFirmnetError(e) && e.code === 'ACCURACY_DROP') files.commit(Object.values(BUILD_FILES));
    else files.discard();
    throw e;
  }
}

async function runSteps(project: Project, cache: BuildCache, files: OutputSet, progress: BuildProgress | undefined): Promise<BuildResult> {
  const out = project.out;
  const steps: BuildResult['steps'] = [];
  const run = async <T>(step: BuildStep, key: string, outputs: string[], work: () => Promise<T> | T, reuse: () => T): Promise<T> => {
    const record = cache.fresh(step, key, outputs);
    if (record) {
      files.reused(step, record, outputs);
      progress?.step(step, 'cached');
      steps.push({ step, state: 'cached', seconds: 0 });
      return reuse();
    }
    progress?.step(step, 'start');
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    files.ran(step, key, outputs);
    progress?.step(step, 'done', seconds);
    steps.push({ step, state: 'ran', seconds });
    return result;
  };
  // Where each output will live: the paths the outputs record are relative to these, not to the staging folder.
  const final = (...path: string[]): string => join(out, ...path);

  // 1. Train, or import a model trained elsewhere.
  const model = project.import
    ? await run(
        'import',
        BuildCache.key({ file: fileHash(project.import.file), preprocessing: fileHash(project.import.preprocessing), name: project.name, task: project.task, recordedAt: recordedPath(final(BUILD_FILES.model), project.import.file) }),
        [BUILD_FILES.model],
        () => importStep(project, files.staged(BUILD_FILES.model), final(BUILD_FILES.model)),
        () => loadModel(final(BUILD_FILES.model)),
      )
    : await run(
        'train',
        BuildCache.key({ data: fileHash(project.data.train), label: project.data.label, task: project.task, name: project.name, training: project.training, recordedAt: recordedPath(final(BUILD_FILES.model), project.data.train) }),
        [BUILD_FILES.model],
        () => trainStep(project, files.staged(BUILD_FILES.model), final(BUILD_FILES.model), progress),
        () => loadModel(final(BUILD_FILES.model)),
      );

  // 2. Quantize with calibration (default: a seeded sample of the training data); with quantization.qat, also quantization-aware training.
  const test = project.data.test ? loadDatasetForModel(model, project.data.test, project.data.label) : null;
  const calibrationFile = project.data.calibration ?? project.data.train;
  // A Project built in code (the Node API) may leave the QAT settings out: they default as in a project file.
  const qat = project.quantization.qat ?? false;
  const quantizeOutputs = qat === false ? [BUILD_FILES.qmodel] : [BUILD_FILES.qmodel, BUILD_FILES.quantization];
  const { qmodel, choice } = await run(
    'quantize',
    BuildCache.key({
      model: fileHash(files.path(BUILD_FILES.model)),
      calibration: fileHash(calibrationFile),
      quantization: project.quantization,
      recordedAt: recordedPath(final(BUILD_FILES.qmodel), calibrationFile),
      // QAT fine-tunes on the training data, and `auto` decides on the test data.
      ...(qat === false ? {} : { train: fileHash(project.data.train), test: fileHash(project.data.test), maxDrop: project.maxDrop }),
    }),
    quantizeOutputs,
    () => {
      const set = calibrationSetFor(model, calibrationFile, project.quantization.calibrationRows, project.quantization.seed, final(BUILD_FILES.qmodel));
      const { qmodel: ptq } = quantizeModel(model, set, project.quantization, progress?.calibration);
      const picked = qat === false ? { qmodel: ptq, choice: null } : quantizeWithQatChoice(project, qat, model, ptq, set, test, progress);
      saveQModel(files.staged(BUILD_FILES.qmodel), picked.qmodel);
      if (picked.choice) writeFileAtomic(files.staged(BUILD_FILES.quantization), toJsonText(picked.choice));
      return picked;
    },
    () => ({
      qmodel: loadQModel(final(BUILD_FILES.qmodel)),
      choice: qat === false ? null : (JSON.parse(readFileSync(final(BUILD_FILES.quantization), 'utf8')) as QuantizationChoice),
    }),
  );

  // 3. What int8 costs, on the test data, before spending time on artifacts.
  const accuracy = test ? accuracyOf(model, qmodel, test) : null;
  const sqnr = test ? perLayerSqnr(qmodel, model, test) : [];
  if (project.maxDrop !== null) checkDrop(project, accuracy, sqnr, choice);

  // 4. Firmware artifacts.
  const command = buildCommandLine(project);
  await run(
    'emit wasm',
    BuildCache.key({ q: qmodel.hash, command, compiler: wasmCompilerHash() }),
    [BUILD_FILES.wasm],
    () => emitWasm(qmodel, files.staged(BUILD_FILES.wasm), { command }),
    () => null,
  );
  const exampleRows = test ? { features: test.features, rows: Math.min(4, test.rows), description: `the first rows of ${recordedPath(final(BUILD_FILES.c, 'example', 'main.c'), project.data.test!)}` } : undefined;
  await run(
    'emit c',
    BuildCache.key({ q: qmodel.hash, command, exampleRows: fileHash(project.data.test), description: exampleRows?.description ?? null, kernels: cKernelsHash() }),
    [BUILD_FILES.c],
    () => emitC(qmodel, files.staged(BUILD_FILES.c), { command, exampleRows }),
    () => null,
  );

  // 5. Simulate every target; the accuracy section runs the emitted WebAssembly module.
  const targets = project.targets.map((t) => resolveTarget(t.target, t));
  const testName = project.data.test === null ? null : recordedPath(final(BUILD_FILES.json), project.data.test);
  const reports = await run(
    'simulate',
    BuildCache.key({ q: qmodel.hash, model: fileHash(files.path(BUILD_FILES.model)), test: fileHash(project.data.test), testName, targets: project.targets, simulatorData: simulatorDataHash(), ...(choice ? { choice } : {}) }),
    [BUILD_FILES.json, BUILD_FILES.html],
    async () => {
      const r = await simulate(qmodel, { targets, accuracy: test ? { model, data: test, dataFile: testName! } : undefined, wasmDir: files.path(BUILD_FILES.wasm) });
      writeFileAtomic(files.staged(BUILD_FILES.html), renderHtml(r, `${project.name}: firmnet build report`, { training: model.training, quantization: choice }));
      writeFileAtomic(files.staged(BUILD_FILES.json), toJsonText({ firmnet: FIRMNET_VERSION, project: project.name, model: qmodel.hash, quantization: choice, reports: r }));
      return r;
    },
    () => (JSON.parse(readFileSync(final(BUILD_FILES.json), 'utf8')) as { reports: SimulationReport[] }).reports,
  );

  return {
    project,
    outDir: out,
    steps,
    model,
    qmodel,
    accuracy,
    quantization: choice,
    perLayerSqnr: sqnr,
    reports,
    files: Object.values(BUILD_FILES)
      .filter((f) => f !== BUILD_FILES.quantization || choice !== null)
      .map((f) => join(out, f)),
  };
}

/**
 * The command recorded in every artifact's header: the project file as named from its own folder,
 * or the training CSV from the current folder — never an absolute path.
 */
function buildCommandLine(project: Project): string {
  return `firmnet build ${project.file === null ? relativePath(process.cwd(), project.data.train) : basename(project.file)}`;
}

function trainStep(project: Project, modelFile: string, finalFile: string, progress: BuildProgress | undefined): FloatModel {
  const data = loadDataset(project.data.train, { task: project.task, labelColumns: project.data.label });
  const { model } = trainModel(data, trainConfig(project.task, project.training), project.name, { onEpoch: progress?.epoch });
  saveModel(modelFile, model, finalFile);
  // The model as its file records it (paths relative to out/<name>/), so its hash in the IR is the file's.
  return loadModel(modelFile, finalFile);
}

function importStep(project: Project, modelFile: string, finalFile: string): FloatModel {
  const imp = project.import!;
  const model = importModelFile(imp.file, {
    file: imp.file,
    name: project.name,
    task: project.task,
    ...(imp.preprocessing ? { preprocessing: loadPreprocessing(imp.preprocessing) } : {}),
  });
  saveModel(modelFile, { ...model, labelColumns: project.data.label }, finalFile);
  return loadModel(modelFile, finalFile);
}

/**
 * `qat: true`: fine-tune and ship the QAT IR. `qat: "auto"`: only when the post-training drop on
 * the test data exceeds maxDrop, then ship the IR with the smaller drop. Either way both figures
 * are kept for the terminal and the report.
 */
function quantizeWithQatChoice(project: Project, mode: true | 'auto', model: FloatModel, ptq: QModel, set: CalibrationSet, test: Dataset | null, progress: BuildProgress | undefined): { qmodel: QModel; choice: QuantizationChoice } {
  const metric = test ? headlineMetric(model.task) : null;
  const ptqAccuracy = test ? accuracyOf(model, ptq, test) : null;
  const value = (a: AccuracyComparison | null): number => (a && metric ? Number(a.quantized[metric.key] ?? Number.NaN) : Number.NaN);
  const choice: QuantizationChoice = {
    mode,
    metric: metric?.label ?? 'none',
    float: ptqAccuracy && metric ? Number(ptqAccuracy.float[metric.key] ?? Number.NaN) : Number.NaN,
    maxDrop: project.maxDrop,
    ptq: { value: value(ptqAccuracy), drop: ptqAccuracy?.drop ?? Number.NaN },
    qat: null,
    shipped: 'ptq',
  };
  if (!qatNeeded(mode, ptqAccuracy?.drop ?? null, project.maxDrop)) return { qmodel: ptq, choice };
  progress?.note?.(mode === 'auto' ? `post-training int8 costs ${choice.ptq.drop.toFixed(2)}, more than maxDrop ${project.maxDrop}: running quantization-aware training` : 'running quantization-aware training (quantization.qat: true)');
  const { qatEpochs = DEFAULT_QAT_SETTINGS.epochs, qatLearningRate = DEFAULT_QAT_SETTINGS.learningRate } = project.quantization;
  const settings = { epochs: qatEpochs, learningRate: qatLearningRate, batchSize: null, seed: project.training.seed };
  const data = loadDatasetForModel(model, project.data.train, project.data.label);
  const tuned = quantizeWithQat(model, data, set, project.quantization, settings, weightBitsFor(project.quantization), { onCalibration: progress?.calibration });
  const qatAccuracy = test ? accuracyOf(model, tuned.qmodel, test) : null;
  const qatDrop = qatAccuracy?.drop ?? Number.NaN;
  progress?.note?.(`quantization-aware training: ${settings.epochs} epochs in ${tuned.seconds.toFixed(1)} s`);
  choice.qat = { value: value(qatAccuracy), drop: qatDrop, epochs: settings.epochs, learningRate: settings.learningRate };
  choice.shipped = qatAccuracy && ptqAccuracy ? shippedIr(mode, ptqAccuracy.drop, qatDrop) : 'qat';
  return { qmodel: choice.shipped === 'qat' ? tuned.qmodel : ptq, choice };
}

function accuracyOf(model: FloatModel, q: QModel, test: Dataset): AccuracyComparison {
  const p = predictQuantized(q, test.features, test.rows);
  return compareWithFloat(model, q, test, p.scores, p.dequantized);
}

/** `maxDrop`: stop before emitting when int8 costs too much, and say where it is lost and what to try. */
function checkDrop(project: Project, accuracy: AccuracyComparison | null, sqnr: LayerSqnr[], choice: QuantizationChoice | null): void {
  if (!accuracy) throw new FirmnetError('BAD_PROJECT_FILE', `${project.name}: maxDrop needs labelled test data (data.test) to measure the drop on`);
  if (accuracy.drop <= project.maxDrop!) return;
  const qatTried = choice?.qat ? ` Quantization-aware training was tried (${choice.qat.epochs} epochs: drop ${choice.qat.drop.toFixed(2)}, post-training ${choice.ptq.drop.toFixed(2)}); more epochs (quantization.qatEpochs) may help.` : '';
  const worst = [...sqnr].sort((a, b) => a.sqnrDb - b.sqnrDb).slice(0, 2);
  const unit = accuracy.task === 'regression' ? ' (RMSE increase)' : accuracy.task === 'autoencoder' ? ' ROC-AUC points ×100' : ' pp';
  const method = project.quantization.method === 'auto' ? 'a fixed method such as --method percentile or kl' : `--method auto instead of ${project.quantization.method}`;
  throw new FirmnetError(
    'ACCURACY_DROP',
    `${project.name}: int8 costs ${accuracy.drop.toFixed(2)}${unit}, more than the allowed ${project.maxDrop}. ` +
      `The layers with the worst SQNR on the test data are ${worst.map((l) => `${l.name} (${l.sqnrDb.toFixed(1)} dB)`).join(' and ')}. ` +
      `Try 16-bit activations for them (quantization.int16: [${worst.map((l) => `"${l.name}"`).join(', ')}], the 16x8 option) or ${method}; ` +
      `${BUILD_FILES.model} and ${BUILD_FILES.qmodel} are in ${project.out} for inspection.${qatTried}`,
  );
}

/** What the emitted module depends on besides the IR: the precompiled kernel modules and the loader template. */
function wasmCompilerHash(): string {
  return BuildCache.key({ simd: sha256Hex(kernelModule(true)), scalar: sha256Hex(kernelModule(false)), loader: sha256Hex(loaderTemplate()) });
}

/** What the emitted C depends on besides the IR: the kernel files it copies from runtime/c/. */
function cKernelsHash(): string {
  return sha256Hex(canonicalJson([...kernelFiles()]));
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
