/**
 * ONNX cases, at two levels. Protobuf level: decode a valid model with the project's onnx-proto
 * schema, change what a broken exporter or an attacker would (tensor dims and data lengths, data
 * types, node inputs that form cycles or name nothing, ops, attributes, graph inputs and outputs,
 * opsets, metadata), encode again. Byte level: flips, truncations and inserted runs in the encoded
 * file. Then import, calibrate on rows with the imported feature names, quantize and emit.
 */
import { METADATA_KEYS } from '../../../compiler/onnx/firmnet-metadata.js';
import { type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, onnx } from '../../../compiler/onnx/onnx-proto.js';
import type { Rng } from '../../../compiler/rng.js';
import { between, chance, pick, weighted } from '../mutate/choose.js';
import { mutateBytes } from '../mutate/bytes.js';
import { HOSTILE_STRINGS, hostileName } from '../mutate/hostile-values.js';
import { mutateTree, parseJsonTree, jsonText } from '../mutate/json-tree.js';
import type { OnnxSeed } from '../seeds.js';
import { type Generated, type GeneratorInput, bytesFile, cli, deepSteps, emitCStep, quantizeStep, textFile } from './common.js';

const CYCLE = 'the graph has a cycle (ONNX graphs are acyclic)';

const OPS = ['Gemm', 'MatMul', 'Relu', 'Softmax', 'Sigmoid', 'Tanh', 'Add', 'Mul', 'Sub', 'Div', 'Identity', 'Flatten', 'Reshape', 'Transpose', 'BatchNormalization', 'LeakyRelu', 'Gelu', 'Erf', 'Clip', 'Dropout', 'Constant', 'Conv', 'Loop', 'If', 'Softplus', '', 'gemm'];

/** One mutation of the decoded model, or null when the model has nothing it applies to. */
type ProtoMutation = (rng: Rng, m: ModelProto, g: GraphProto) => string | null;

const initializers = (g: GraphProto): TensorProto[] => g.initializer ?? [];
const nodes = (g: GraphProto): NodeProto[] => g.node ?? [];
/** Nodes on the data path: the ones that take a non-constant input. */
const dataNodes = (g: GraphProto): NodeProto[] => {
  const constants = new Set(initializers(g).map((t) => t.name));
  return nodes(g).filter((n) => n.opType !== 'Constant' && (n.input ?? []).some((i) => i !== '' && !constants.has(i)));
};

const PROTO_MUTATIONS: [ProtoMutation, number, string | null][] = [
  // Tensor dims: zero, negative, huge (a product past 2^53), an extra or missing axis.
  [
    (rng, _m, g) => {
      const t = initializers(g).length > 0 ? pick(rng, initializers(g)) : null;
      if (!t) return null;
      const n = (t.dims ?? []).length;
      const dims = pick<number[]>(rng, [[0], [-1, 4], [2 ** 31, 2 ** 31], [2 ** 40], [1e15, 1e15], [], [...(t.dims ?? []).map(Number), 1], (t.dims ?? []).map(Number).slice(0, Math.max(0, n - 1)), (t.dims ?? []).map(Number).reverse()]);
      t.dims = dims;
      return `initializer '${t.name}' dims [${dims.join(', ')}]`;
    },
    3,
    null,
  ],
  // Data length against the dims: truncated, extended, emptied, moved to float_data with NaN and Infinity.
  [
    (rng, _m, g) => {
      const t = initializers(g).length > 0 ? pick(rng, initializers(g)) : null;
      if (!t) return null;
      const raw = t.rawData ?? new Uint8Array(0);
      const how = pick(rng, ['truncate', 'extend', 'empty', 'odd', 'nan', 'float_data'] as const);
      if (how === 'truncate') t.rawData = raw.slice(0, rng.int(Math.max(1, raw.length)));
      else if (how === 'extend') t.rawData = new Uint8Array([...raw, ...new Uint8Array(pick(rng, [4, 8, 400]))]);
      else if (how === 'empty') t.rawData = new Uint8Array(0);
      else if (how === 'odd') t.rawData = raw.slice(0, Math.max(0, raw.length - 1 - rng.int(3)));
      else if (how === 'nan') {
        const copy = raw.slice();
        const view = new DataView(copy.buffer);
        for (let i = 0; i + 4 <= copy.length; i += 4 * between(rng, 1, 7)) view.setFloat32(i, pick(rng, [NaN, Infinity, -Infinity, 3.4e38, 1e-45]), true);
        t.rawData = copy;
      } else {
        t.rawData = new Uint8Array(0);
        t.floatData = [NaN, Infinity, -Infinity, 1, 2];
      }
      return `initializer '${t.name}' data ${how}`;
    },
    3,
    null,
  ],
  [
    (rng, _m, g) => {
      const t = initializers(g).length > 0 ? pick(rng, initializers(g)) : null;
      if (!t) return null;
      t.dataType = pick(rng, [0, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99, -1]);
      return `initializer '${t.name}' data type ${t.dataType}`;
    },
    1.5,
    null,
  ],
  [
    (rng, _m, g) => {
      const t = initializers(g).length > 0 ? pick(rng, initializers(g)) : null;
      if (!t) return null;
      t.dataLocation = 1;
      t.externalData = [{ key: 'location', value: pick(rng, ['../../../../etc/passwd', 'weights.bin', '/dev/zero', '']) }, { key: 'length', value: '999999999999' }];
      return `initializer '${t.name}' moved to external data`;
    },
    0.5,
    null,
  ],
  // A missing initializer: the weight input then names a value nothing produces.
  [
    (rng, _m, g) => {
      if (initializers(g).length === 0) return null;
      const i = rng.int(initializers(g).length);
      const [t] = g.initializer!.splice(i, 1);
      return `initializer '${t.name}' deleted`;
    },
    1.5,
    null,
  ],
  // An initializer turned into a Constant node (valid ONNX), whose tensor may then be mutated too.
  [
    (rng, _m, g) => {
      if (initializers(g).length === 0) return null;
      const i = rng.int(initializers(g).length);
      const [t] = g.initializer!.splice(i, 1);
      if (chance(rng, 0.5)) t.dims = pick<number[]>(rng, [[1e9], [0], [-5], [3, 3]]);
      g.node!.unshift({ opType: 'Constant', output: [t.name ?? ''], name: `const_${t.name}`, attribute: [{ name: 'value', type: 4, t }] });
      return `initializer '${t.name}' as a Constant node (dims [${(t.dims ?? []).map(Number).join(', ')}])`;
    },
    1,
    null,
  ],
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n || (n.input ?? []).length === 0) return null;
      const k = rng.int(n.input!.length);
      const graphInput = g.input?.[0]?.name ?? 'input';
      const value = pick(rng, ['missing_value', '', graphInput, initializers(g)[0]?.name ?? 'w', ...HOSTILE_STRINGS.slice(0, 6)]);
      n.input![k] = value;
      return `node '${n.name}' input ${k} = ${JSON.stringify(value)}`;
    },
    2,
    null,
  ],
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n || (n.output ?? []).length === 0) return null;
      const other = pick(rng, nodes(g));
      const value = pick(rng, ['', other.output?.[0] ?? 'x', g.output?.[0]?.name ?? 'output', 'dangling']);
      n.output![0] = value;
      return `node '${n.name}' output = ${JSON.stringify(value)}`;
    },
    1.5,
    null,
  ],
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n) return null;
      n.opType = pick(rng, OPS);
      return `node '${n.name}' op ${JSON.stringify(n.opType)}`;
    },
    2,
    null,
  ],
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n) return null;
      n.domain = pick(rng, ['com.microsoft', 'ai.onnx.ml', 'ai.onnx', 'x']);
      return `node '${n.name}' domain ${n.domain}`;
    },
    0.5,
    null,
  ],
  // Attributes: wrong type, hostile values, deleted, an unknown or a layout-changing one added.
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n) return null;
      const attrs = (n.attribute ??= []);
      const how = attrs.length === 0 ? 'add' : pick(rng, ['value', 'type', 'delete', 'add', 'ints'] as const);
      if (how === 'add') {
        const a = pick(rng, [
          { name: 'axis', type: 2, i: pick(rng, [0, -1, 2, 99, -99]) },
          { name: 'transA', type: 2, i: 1 },
          { name: 'transB', type: 2, i: pick(rng, [0, 1, 2]) },
          { name: 'alpha', type: 1, f: pick(rng, [NaN, Infinity, -1, 0, 1e38]) },
          { name: 'approximate', type: 3, s: new Uint8Array(Buffer.from(pick(rng, ['tanh', 'none', 'erf']))) },
          { name: 'unknown_attribute', type: 2, i: 1 },
          { name: 'perm', type: 7, ints: [1, 0, 2] },
        ]);
        attrs.push(a);
        return `node '${n.name}' attribute ${a.name} added`;
      }
      const a = pick(rng, attrs);
      if (how === 'delete') attrs.splice(attrs.indexOf(a), 1);
      else if (how === 'type') a.type = pick(rng, [1, 2, 3, 4, 6, 7, 0, 99]) as AttributeProto['type'];
      else if (how === 'ints') a.ints = pick(rng, [[], [-1], [2 ** 40], Array.from({ length: 10_000 }, (_, i) => i)]);
      else {
        a.f = pick(rng, [NaN, Infinity, -Infinity, 0, -1, 1e38, 1e-45]);
        a.i = pick(rng, [0, 1, -1, 2, 2 ** 40, -(2 ** 40)]);
      }
      return `node '${n.name}' attribute ${a.name}: ${how}`;
    },
    2.5,
    null,
  ],
  [
    (rng, _m, g) => {
      const n = nodes(g).length > 0 ? pick(rng, nodes(g)) : null;
      if (!n) return null;
      n.name = hostileName(rng);
      return `node name ${JSON.stringify(n.name.slice(0, 24))}`;
    },
    1.5,
    null,
  ],
  [
    (rng, _m, g) => {
      if (nodes(g).length === 0) return null;
      const how = pick(rng, ['delete', 'duplicate', 'swap', 'reverse'] as const);
      const list = g.node!;
      const i = rng.int(list.length);
      if (how === 'delete') list.splice(i, 1);
      else if (how === 'duplicate') list.splice(i, 0, onnx.NodeProto.decode(onnx.NodeProto.encode(list[i]).finish()));
      else if (how === 'swap') {
        const j = rng.int(list.length);
        [list[i], list[j]] = [list[j], list[i]];
      } else list.reverse();
      return `nodes: ${how}${how === 'reverse' ? '' : ` at ${i}`}`;
    },
    1.5,
    null,
  ],
  // Graph input shape and type.
  [
    (rng, _m, g) => {
      const input = g.input?.[0];
      const tensor = input?.type?.tensorType;
      if (!tensor) return null;
      const how = pick(rng, ['zero', 'negative', 'huge', 'symbolic', 'no shape', '3-d', 'scalar', 'type'] as const);
      const batch = { dimParam: 'batch' };
      if (how === 'zero') tensor.shape = { dim: [batch, { dimValue: 0 }] };
      else if (how === 'negative') tensor.shape = { dim: [batch, { dimValue: -4 }] };
      else if (how === 'huge') tensor.shape = { dim: [batch, { dimValue: pick(rng, [2 ** 31, 2 ** 40, 1e15]) }] };
      else if (how === 'symbolic') tensor.shape = { dim: [batch, { dimParam: 'features' }] };
      else if (how === 'no shape') tensor.shape = null;
      else if (how === '3-d') tensor.shape = { dim: [batch, { dimValue: 2 }, { dimValue: 3 }] };
      else if (how === 'scalar') tensor.shape = { dim: [] };
      else tensor.elemType = pick(rng, [0, 7, 10, 11, 8]);
      return `graph input '${input!.name}': ${how}`;
    },
    2,
    null,
  ],
  [
    (rng, _m, g) => {
      const how = pick(rng, ['remove inputs', 'second input', 'remove outputs', 'second output', 'rename output'] as const);
      if (how === 'remove inputs') g.input = [];
      else if (how === 'second input') g.input = [...(g.input ?? []), { name: 'extra_input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } } } }];
      else if (how === 'remove outputs') g.output = [];
      else if (how === 'second output') g.output = [...(g.output ?? []), { name: nodes(g)[0]?.output?.[0] ?? 'x' }];
      else if (g.output?.[0]) g.output[0].name = 'no_such_value';
      return `graph: ${how}`;
    },
    1,
    null,
  ],
  [
    (rng, m) => {
      const how = pick(rng, ['ir version', 'opset', 'no opset', 'ml opset only', 'two opsets'] as const);
      if (how === 'ir version') m.irVersion = pick(rng, [0, -1, 2 ** 40, 3]);
      else if (how === 'opset') (m.opsetImport ??= [{}])[0].version = pick(rng, [0, 1, 10, 22, 1e9, -1]);
      else if (how === 'no opset') m.opsetImport = [];
      else if (how === 'ml opset only') m.opsetImport = [{ domain: 'ai.onnx.ml', version: 3 }];
      else m.opsetImport = [...(m.opsetImport ?? []), { domain: '', version: 21 }];
      return `model: ${how}`;
    },
    1,
    null,
  ],
  // Metadata firmnet reads back (name, task, feature and class names, anomaly threshold).
  [
    (rng, m) => {
      const key = pick(rng, Object.values(METADATA_KEYS));
      const value = metadataValue(rng, key);
      const props = (m.metadataProps ??= []);
      const existing = props.find((p) => p.key === key);
      if (existing) existing.value = value;
      else props.push({ key, value });
      return `metadata ${key} = ${JSON.stringify(value.slice(0, 30))}`;
    },
    2,
    null,
  ],
  // Cycles reachable from the input: a later node's output renamed to an earlier node's data input
  // (or a node's output to its own input), so walking the chain comes back to where it was.
  [
    (rng, _m, g) => {
      const chain = dataNodes(g);
      if (chain.length === 0) return null;
      const i = rng.int(chain.length);
      const j = i + rng.int(chain.length - i);
      const target = chain[i].input?.[0];
      if (!target || !chain[j].output?.length) return null;
      chain[j].output![0] = target;
      return i === j ? `node '${chain[i].name}' consumes its own output` : `node '${chain[j].name}' output renamed to the input of '${chain[i].name}' (cycle)`;
    },
    0.6,
    CYCLE,
  ],
  // Cycles through a later node: an earlier node reads what a later one produces.
  [
    (rng, _m, g) => {
      const chain = dataNodes(g);
      if (chain.length < 2) return null;
      const i = rng.int(chain.length - 1);
      const j = i + 1 + rng.int(chain.length - i - 1);
      const out = chain[j].output?.[0];
      if (!out || !chain[i].input?.length) return null;
      chain[i].input![0] = out;
      return `node '${chain[i].name}' reads the output of the later node '${chain[j].name}' (cycle)`;
    },
    0.4,
    CYCLE,
  ],
];

function metadataValue(rng: Rng, key: string): string {
  const names = (): string => JSON.stringify(Array.from({ length: between(rng, 1, 8) }, () => hostileName(rng)));
  if (key === METADATA_KEYS.featureNames || key === METADATA_KEYS.classNames || key === METADATA_KEYS.labelColumns) {
    return pick(rng, [names(), '[]', '{"a":1}', 'not json', JSON.stringify(Array.from({ length: 100_000 }, (_, i) => `f${i}`)), '[1,2,3]']);
  }
  if (key === METADATA_KEYS.anomaly) return pick(rng, ['{"percentile":99,"threshold":1e308}', '{"percentile":-1,"threshold":0}', '{}', '[]', 'null', '{"percentile":"99","threshold":1}']);
  if (key === METADATA_KEYS.task) return pick(rng, ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder', 'ranking', '']);
  if (key === METADATA_KEYS.head) return pick(rng, ['identity', 'sigmoid', 'softmax', 'argmax']);
  return hostileName(rng);
}

export function generateOnnxProto({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pickImportable(rng, seeds.onnx);
  const mutations: string[] = [];
  let mustReject: string | null = null;
  let bytes: Uint8Array;
  try {
    const model = onnx.ModelProto.decode(seed.bytes);
    const graph = model.graph ?? (model.graph = { node: [] });
    const count = weighted(rng, [
      [1, 5],
      [2, 3],
      [3, 1.5],
    ] as const);
    for (let k = 0; k < count; k++) {
      const [mutate, , rejects] = weighted(rng, PROTO_MUTATIONS.map((entry) => [entry, entry[1]] as const));
      const what = mutate(rng, model, graph);
      if (what) {
        mutations.push(what);
        if (rejects) mustReject = rejects;
      }
    }
    bytes = onnx.ModelProto.encode(model).finish();
  } catch (e) {
    // A seed the schema cannot decode (the truncated fixture) is mutated at the byte level instead.
    mutations.push(`not decodable (${(e as Error).message.slice(0, 60)}): bytes kept`);
    bytes = seed.bytes;
  }
  if (chance(rng, 0.1)) {
    const m = mutateBytes(rng, bytes);
    bytes = m.bytes;
    mutations.push(`bytes: ${m.description}`);
    mustReject = null;
  }
  return onnxCase(rng, seed, bytes, mutations, mustReject, deep, 'protobuf');
}

export function generateOnnxBytes({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pick(rng, seeds.onnx);
  let bytes = seed.bytes;
  const mutations: string[] = [];
  const count = between(rng, 1, 4);
  for (let k = 0; k < count; k++) {
    const m = mutateBytes(rng, bytes);
    bytes = m.bytes;
    mutations.push(m.description);
  }
  return onnxCase(rng, seed, bytes, mutations, null, deep, 'bytes');
}

/** Most protobuf cases start from a model that imports; the broken fixtures get a smaller share. */
function pickImportable(rng: Rng, seeds: OnnxSeed[]): OnnxSeed {
  const good = seeds.filter((s) => !/truncated|not-onnx|unsupported|float16|float64|external|residual|dynamic|gelu-tanh-pow/.test(s.name));
  return chance(rng, 0.9) && good.length > 0 ? pick(rng, good) : pick(rng, seeds);
}

function onnxCase(rng: Rng, seed: OnnxSeed, bytes: Uint8Array, mutations: string[], mustReject: string | null, deep: boolean, level: string): Generated {
  const files = [bytesFile('model.onnx', bytes)];
  const importArgs = ['import', '{dir}/model.onnx', '--out', '{dir}/model.json'];
  if (seed.sidecar !== null) {
    let sidecar = seed.sidecar;
    if (chance(rng, 0.15)) {
      const m = mutateTree(rng, parseJsonTree(sidecar), true);
      sidecar = jsonText(m.root);
      mutations.push(`sidecar ${m.description}`);
    }
    files.push(textFile('sidecar.json', sidecar));
    importArgs.push('--preprocessing', '{dir}/sidecar.json');
  }
  return {
    origin: `${seed.name} (${level} level)`,
    mutations,
    files,
    steps: [cli(importArgs), { type: 'calibration-csv', model: '{dir}/model.json', out: '{dir}/calib.csv', rows: 32, seed: rng.nextUint32() }, quantizeStep('{dir}/model.json', '{dir}/calib.csv'), emitCStep(), ...(deep ? deepSteps(rng) : [])],
    mustReject,
  };
}
