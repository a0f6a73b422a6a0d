import { describe, expect, it } from 'vitest';
import { choiceLines, type QuantizationChoice } from '../../compiler/train/qat/qat-choice.js';
import { renderHtml } from '../../firmware-sim/render-html.js';

const choice: QuantizationChoice = {
  mode: 'auto',
  metric: 'accuracy',
  float: 0.9333,
  maxDrop: 0.5,
  ptq: { value: 0.9, drop: 3.33 },
  qat: { value: 0.9333, drop: 0, epochs: 10, learningRate: 1e-4 },
  shipped: 'qat',
};

describe('post-training vs QAT, side by side', () => {
  it('the report has a section with both rows and marks the shipped one', () => {
    const html = renderHtml([], 'iris', { quantization: choice });
    const section = html.slice(html.indexOf('Post-training vs quantization-aware training'));
    expect(section).toContain('<tr><th class="l">post-training quantization</th><td>90.00%</td><td>3.33 pp</td><td class="l"></td></tr>');
    expect(section).toContain('<tr><th class="l">quantization-aware training (10 epochs, learning rate 0.0001)</th><td>93.33%</td><td>0.00 pp</td><td class="l"><b>shipped</b></td></tr>');
    const notRun = renderHtml([], 'iris', { quantization: { ...choice, qat: null, shipped: 'ptq' } });
    expect(notRun).toContain('not run: the post-training drop is within maxDrop 0.5');
    expect(notRun).toContain('<td>3.33 pp</td><td class="l"><b>shipped</b></td>');
  });

  it('the terminal lines say the same', () => {
    expect(choiceLines(choice)).toEqual([
      'quantization (qat: "auto"): float accuracy 93.33%',
      '  post-training   accuracy 90.00%  drop 3.33 pp',
      '  QAT (10 epochs, lr 0.0001)  accuracy 93.33%  drop 0.00 pp  ← shipped',
    ]);
  });
});
