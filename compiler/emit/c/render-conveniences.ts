/**
 * The calls Edge Impulse's `run_classifier()` users reach for, generated into `<name>.h` and
 * `<name>_predict.c`: the feature names in input order, and for a classifier or an autoencoder with
 * a threshold a float-in/label-out `<name>_classify` that also gives the decision. It works on the
 * output codes in the arena (no float buffer of its own, whatever the output width), and decides
 * exactly as firmnet's evaluation does: the argmax (first on ties), a positive logit (binary), an
 * error above the IR's threshold (autoencoder).
 */
import { type QModel, anomalyDecision, codeDecision, outputTensor } from '../../ir/qmodel.js';
import type { CModelNames } from './c-names.js';
import { cFloat, cStringLiteral } from './c-syntax.js';
import { DTYPE_RANGE } from '../../ops/op-types.js';

/** What `<name>_classify` decides, or null when the model has no single decision (regression, multilabel, an autoencoder without threshold). */
export type Decision = 'argmax' | 'positive-logit' | 'positive-probability' | 'threshold-code' | 'anomaly';

export function decisionOf(q: QModel): Decision | null {
  if (q.task === 'multiclass') return 'argmax';
  if (q.task === 'binary' && q.decision) return 'threshold-code';
  if (q.task === 'binary') return outputTensor(q).features === 2 ? 'argmax' : floatHead(q) === 'sigmoid' ? 'positive-logit' : 'positive-probability';
  if (q.task === 'autoencoder' && q.anomaly !== null) return 'anomaly';
  return null;
}

/** The head `<name>_predict` applies in float after dequantizing, if any. */
function floatHead(q: QModel): 'softmax' | 'sigmoid' | null {
  return q.headInFirmware || q.head === 'identity' ? null : q.head;
}

/** The anomaly labels `<name>_classify` returns for an autoencoder. */
export const ANOMALY_LABELS = ['normal', 'anomaly'] as const;

export function renderConvenienceDeclarations(q: QModel, names: CModelNames): string {
  const { prefix, macro } = names;
  const lines = [
    `/* Feature names, in input order: features[i] of ${prefix}_predict and ${prefix}_classify is ${prefix}_feature_names[i] (defined in ${names.predictSource}). */`,
    `extern const char *const ${prefix}_feature_names[${macro}_INPUT_SIZE];`,
    '',
  ];
  if (codeDecision(q)) lines.push(...predictClassDeclaration(q, names));
  if (anomalyDecision(q)) lines.push(...anomalyScoreDeclaration(q, names));
  const decision = decisionOf(q);
  if (decision === null) return lines.join('\n');
  if (decision === 'anomaly') {
    lines.push(
      `/* Anomaly threshold: a row whose reconstruction error (mean squared, in standardized units) is above it is an anomaly. */`,
      `#define ${macro}_ANOMALY_THRESHOLD ${cFloat(q.anomaly!.threshold)}`,
      '',
    );
  }
  const what =
    decision === 'anomaly'
      ? anomalyDecision(q)
        ? [
            ` * Autoencoder: label "normal" (class_index 0) or "anomaly" (1), decided by ${prefix}_is_anomaly on the integer score`,
            ` * (bit-exact with the golden reference); score is the float32 reconstruction error, for display.`,
          ]
        : [
          ` * Autoencoder: label "normal" (class_index 0) or "anomaly" (1); score is the reconstruction error, compared with`,
          ` * ${macro}_ANOMALY_THRESHOLD. The error is summed in float32 (firmnet's evaluation uses float64), so a row whose error`,
          ' * is within float32 rounding of the threshold may be decided differently.',
        ]
      : [
          ` * The most probable class: label is ${prefix}_class_names[class_index], score its probability`,
          decision === 'argmax'
            ? ' * (the first class on ties, as firmnet\'s evaluation decides).'
            : decision === 'threshold-code'
              ? ` * (binary: class 1 when ${prefix}_predict_class decides so, i.e. its probability reaches the chosen threshold).`
              : ' * (binary: class 1 when its probability is at least 0.5).',
        ];
  lines.push(
    '/*',
    ' * Float features in, label out (as Edge Impulse\'s run_classifier): quantizes the row, runs the integer',
    ` * network and decides on its output codes in the arena. Returns the label; fills *result unless it is NULL.`,
    ...what,
    ' */',
    'typedef struct {',
    '    int32_t class_index;',
    '    const char *label;',
    '    float score;',
    `} ${prefix}_result_t;`,
    `const char *${prefix}_classify(const float *features, ${prefix}_result_t *result);`,
    '',
  );
  return lines.join('\n');
}

/** Definitions for `<name>_predict.c`: the feature names and `<name>_classify`. */
export function renderConvenienceDefinitions(q: QModel, names: CModelNames, standardized: { input: boolean; target: boolean }): string {
  const { prefix, macro } = names;
  const parts = [
    `const char *const ${prefix}_feature_names[${macro}_INPUT_SIZE] = {\n${q.featureNames.map((f) => `    ${cStringLiteral(f)},`).join('\n')}\n};\n`,
  ];
  if (codeDecision(q)) parts.push(predictClassDefinition(q, names));
  if (anomalyDecision(q)) parts.push(anomalyScoreDefinition(q, names));
  const decision = decisionOf(q);
  if (decision === null) return parts.join('\n');
  // The arena's input slot is reused by later layers, so the integer anomaly score reads the codes from a copy on the stack.
  const ownInput = decision === 'anomaly' && anomalyDecision(q) !== undefined;
  const head = `const char *${prefix}_classify(const float *features, ${prefix}_result_t *result) {
    ${ownInput ? `${names.inputType} in[${macro}_INPUT_SIZE]; /* kept after the run, for ${prefix}_is_anomaly */` : `${names.inputType} *in = ${prefix}_input_buffer();`}
    ${names.outputType} *out = ${prefix}_output_buffer();`;
  const run = `    ${prefix}_quantize_input(features, in);
    ${names.invoke}(in, out);`;
  const finish = (index: string, label: string, score: string): string => `    if (result != 0) {
        result->class_index = ${index};
        result->label = ${label};
        result->score = ${score};
    }
    return ${label};
}
`;
  const value = (code: string): string => `(float)((int32_t)${code} - ${macro}_OUTPUT_ZERO_POINT) * ${macro}_OUTPUT_SCALE`;
  switch (decision) {
    case 'argmax': {
      // Without a float softmax (the int8 head, or outputs that are probabilities already) the probability is the dequantized code.
      const softmax = floatHead(q) === 'softmax';
      const probability = !softmax
        ? `    probability = ${value('out[best]')};`
        : `    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        sum += expf(${value('out[i]')} - best_logit);
    }
    probability = 1.0f / sum;`;
      parts.push(`${head}
    int32_t i;
    int32_t best = 0;
    float probability;${softmax ? `\n    float best_logit;\n    float sum = 0.0f;` : ''}
${run}
    /* The codes order like the dequantized values (the scale is positive), so the argmax is taken on them. */
    for (i = 1; i < ${macro}_OUTPUT_SIZE; ++i) {
        if (out[i] > out[best]) {
            best = i;
        }
    }${softmax ? `\n    best_logit = ${value('out[best]')};` : ''}
${probability}
${finish('best', `${prefix}_class_names[best]`, 'probability')}`);
      break;
    }
    case 'positive-logit':
      parts.push(`${head}
    int32_t positive;
    float probability;
${run}
    /* sigmoid(logit) >= 0.5 exactly when the logit is >= 0, i.e. when the code is at least the zero point. */
    positive = (int32_t)out[0] >= ${macro}_OUTPUT_ZERO_POINT ? 1 : 0;
    probability = ${value('out[0]')};
    if (probability >= 0.0f) {
        probability = 1.0f / (1.0f + expf(-probability));
    } else {
        const float e = expf(probability);
        probability = e / (1.0f + e);
    }
${finish('positive', `${prefix}_class_names[positive]`, 'positive != 0 ? probability : 1.0f - probability')}`);
      break;
    case 'threshold-code':
      parts.push(`${head}
    int32_t positive;
    float probability;
${run}
    positive = ${prefix}_predict_class(out, 0);
    probability = ${value('out[0]')};${floatHead(q) === 'sigmoid' ? `
    if (probability >= 0.0f) {
        probability = 1.0f / (1.0f + expf(-probability));
    } else {
        const float e = expf(probability);
        probability = e / (1.0f + e);
    }` : ''}
${finish('positive', `${prefix}_class_names[positive]`, 'positive != 0 ? probability : 1.0f - probability')}`);
      break;
    case 'positive-probability':
      parts.push(`${head}
    int32_t positive;
    float probability;
${run}
    probability = ${value('out[0]')};
    positive = probability >= 0.5f ? 1 : 0;
${finish('positive', `${prefix}_class_names[positive]`, 'positive != 0 ? probability : 1.0f - probability')}`);
      break;
    case 'anomaly': {
      // The reconstruction in the data's units in two float32 steps (as _predict), then its error against the raw row.
      const restore = standardized.target ? `\n        reconstruction = reconstruction * ${prefix}_target_std[i];\n        reconstruction = reconstruction + ${prefix}_target_mean[i];` : '';
      const difference = standardized.input ? `(reconstruction - features[i]) / ${prefix}_input_std[i]` : 'reconstruction - features[i]';
      parts.push(`static const char *const ${prefix}_anomaly_labels[2] = { ${ANOMALY_LABELS.map(cStringLiteral).join(', ')} };

${head}
    int32_t i;
    int32_t anomalous;
    float error = 0.0f;
${run}
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        float reconstruction = ${value('out[i]')};
        float d;${restore}
        d = ${difference};
        error += d * d;
    }
    error = error / (float)${macro}_OUTPUT_SIZE;
    anomalous = ${anomalyDecision(q) ? `${prefix}_is_anomaly(in, out)` : `error > ${macro}_ANOMALY_THRESHOLD ? 1 : 0`};
${finish('anomalous', `${prefix}_anomaly_labels[anomalous]`, 'error')}`);
      break;
    }
  }
  return parts.join('\n');
}

/** `<name>_predict_class` and its threshold codes, for an IR with decision thresholds. */
function predictClassDeclaration(q: QModel, names: CModelNames): string[] {
  const { prefix, macro } = names;
  const what = q.task === 'binary' ? 'the class index (1: positive)' : 'the number of positive labels';
  return [
    `/* Decision thresholds (rule ${q.decision!.rule}, chosen on the validation split) as output codes: output i is positive when its`,
    ` * code is at least ${prefix}_decision_codes[i] (a code above the dtype's maximum: never). Integers only, so the decision is the golden reference's. */`,
    `#define ${macro}_DECISION_RULE ${cStringLiteral(q.decision!.rule)}`,
    `extern const int32_t ${prefix}_decision_codes[${macro}_OUTPUT_SIZE];`,
    `/* Decides on the output codes ${names.invoke} wrote: positive[i] = 1 when output i reaches its threshold code (positive may be NULL). Returns ${what}. */`,
    `int32_t ${prefix}_predict_class(const ${names.outputType} *out, uint8_t *positive);`,
    '',
  ];
}

function predictClassDefinition(q: QModel, names: CModelNames): string {
  const { prefix, macro } = names;
  return `const int32_t ${prefix}_decision_codes[${macro}_OUTPUT_SIZE] = { ${q.decision!.codes.join(', ')} };

int32_t ${prefix}_predict_class(const ${names.outputType} *out, uint8_t *positive) {
    int32_t i;
    int32_t count = 0;
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        const int32_t yes = (int32_t)out[i] >= ${prefix}_decision_codes[i] ? 1 : 0;
        if (positive != 0) {
            positive[i] = (uint8_t)yes;
        }
        count += yes;
    }
    return count;
}
`;
}

/** `<name>_anomaly_score` and `<name>_is_anomaly`, for an autoencoder IR with an integer decision. */
function anomalyScoreDeclaration(q: QModel, names: CModelNames): string[] {
  const { prefix, macro } = names;
  return [
    `/* Anomaly decision in integers (docs/quantized-ir.md "Decisions"): the score of a row is the sum over outputs of`,
    ` * (out[j] - in'[j])^2, in'[j] = input code j re-quantized to the output tensor; a row whose score is above`,
    ` * ${macro}_ANOMALY_SCORE_THRESHOLD (the ${q.decision!.thresholds[0]}th percentile of the calibration rows' scores) is an anomaly. */`,
    `#define ${macro}_ANOMALY_SCORE_THRESHOLD ((uint64_t)${q.decision!.codes[0]}u)`,
    `/* The integer anomaly score of the codes ${names.invoke} read (in) and wrote (out). Later layers reuse the arena's`,
    ` * input slot, so \`in\` must be codes the caller kept (e.g. quantized into its own buffer and passed to ${names.invoke}). */`,
    `uint64_t ${prefix}_anomaly_score(const ${names.inputType} *in, const ${names.outputType} *out);`,
    `/* 1 when ${prefix}_anomaly_score(in, out) is above ${macro}_ANOMALY_SCORE_THRESHOLD, else 0. */`,
    `int32_t ${prefix}_is_anomaly(const ${names.inputType} *in, const ${names.outputType} *out);`,
    '',
  ];
}

function anomalyScoreDefinition(q: QModel, names: CModelNames): string {
  const { prefix, macro } = names;
  const { multiplier, shift } = anomalyDecision(q)!.requantize;
  const input = q.layers[0].input;
  const output = outputTensor(q);
  const { min, max } = DTYPE_RANGE[output.dtype];
  return `uint64_t ${prefix}_anomaly_score(const ${names.inputType} *in, const ${names.outputType} *out) {
    int32_t i;
    uint64_t score = 0u;
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        /* The input code in the output's scale: TFLite MultiplyByQuantizedMultiplier, then the output zero point, clamped. */
        int32_t target = firmnet_mbqm((int32_t)in[i] - (${input.zeroPoint}), ${multiplier}, ${shift}) + (${output.zeroPoint});
        int32_t d;
        target = target < ${min} ? ${min} : (target > ${max} ? ${max} : target);
        d = (int32_t)out[i] - target;
        score += (uint64_t)((int64_t)d * (int64_t)d);
    }
    return score;
}

int32_t ${prefix}_is_anomaly(const ${names.inputType} *in, const ${names.outputType} *out) {
    return ${prefix}_anomaly_score(in, out) > ${macro}_ANOMALY_SCORE_THRESHOLD ? 1 : 0;
}
`;
}
