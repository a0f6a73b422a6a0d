/**
 * Parameter updates of the float trainer over one contiguous block of `n` values (T is f32 or f64),
 * the formulas of compiler/nn/optimizers.ts. Each returns Σ g² of the raw gradients it read, so the
 * global gradient norm costs no extra pass when gradients are not clipped.
 */
import { f64Total, highF64, lanes, lowF64, sqrtOf, zero } from './lanes';

/**
 * Adam with bias correction, in PyTorch's arrangement; `decoupled` makes it AdamW:
 *   g' = g + wd·w (Adam) or g (AdamW);  m ← β1·m + (1 − β1)·g';  v ← β2·v + (1 − β2)·g'²
 *   w ← w − stepSize·m / (√v·invSqrtC2 + ε) [− lr·wd·w for AdamW]
 * with stepSize = lr / (1 − β1^t) and invSqrtC2 = 1 / √(1 − β2^t) from the host: one square root
 * and one division per value.
 */
export function adam<T>(w: usize, g: usize, m: usize, v: usize, n: i32, stepSize: T, beta1: T, beta2: T, invSqrtC2: T, epsilon: T, weightDecay: T, decayStep: T, decoupled: bool): f64 {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const vb1 = v128.splat<T>(beta1);
  const vb1c = v128.splat<T>(<T>1 - beta1);
  const vb2 = v128.splat<T>(beta2);
  const vb2c = v128.splat<T>(<T>1 - beta2);
  const vStep = v128.splat<T>(stepSize);
  const vInvSqrtC2 = v128.splat<T>(invSqrtC2);
  const veps = v128.splat<T>(epsilon);
  const vwd = v128.splat<T>(weightDecay);
  const vDecayStep = v128.splat<T>(decayStep);
  let sq0 = zero();
  let sq1 = zero();
  for (let k: usize = 0; k < full; k += 16) {
    const wk = v128.load(w + k);
    const raw = v128.load(g + k);
    const lo = lowF64<T>(raw);
    const hi = highF64<T>(raw);
    sq0 = f64x2.add(sq0, f64x2.mul(lo, lo));
    sq1 = f64x2.add(sq1, f64x2.mul(hi, hi));
    const gk = decoupled ? raw : v128.add<T>(raw, v128.mul<T>(vwd, wk));
    const mk = v128.add<T>(v128.mul<T>(vb1, v128.load(m + k)), v128.mul<T>(vb1c, gk));
    const vk = v128.add<T>(v128.mul<T>(vb2, v128.load(v + k)), v128.mul<T>(v128.mul<T>(vb2c, gk), gk));
    v128.store(m + k, mk);
    v128.store(v + k, vk);
    let step = v128.div<T>(v128.mul<T>(vStep, mk), v128.add<T>(v128.mul<T>(v128.sqrt<T>(vk), vInvSqrtC2), veps));
    if (decoupled) step = v128.add<T>(step, v128.mul<T>(vDecayStep, wk));
    v128.store(w + k, v128.sub<T>(wk, step));
  }
  let total = f64Total(sq0, sq1);
  for (let k = full; k < end; k += S) {
    const wk = load<T>(w + k);
    const raw = load<T>(g + k);
    total += <f64>raw * <f64>raw;
    const gk = decoupled ? raw : raw + weightDecay * wk;
    const mk = beta1 * load<T>(m + k) + (<T>1 - beta1) * gk;
    const vk = beta2 * load<T>(v + k) + (<T>1 - beta2) * gk * gk;
    store<T>(m + k, mk);
    store<T>(v + k, vk);
    let step = (stepSize * mk) / (sqrtOf<T>(vk) * invSqrtC2 + epsilon);
    if (decoupled) step += decayStep * wk;
    store<T>(w + k, wk - step);
  }
  return total;
}

/**
 * SGD, PyTorch's formulation: g' = g + wd·w; with momentum μ > 0, vel ← μ·vel + g' and the step is
 * g' + μ·vel (Nesterov) or vel; w ← w − lr·step.
 */
export function sgd<T>(w: usize, g: usize, velocity: usize, n: i32, lr: T, momentum: T, nesterov: bool, weightDecay: T): f64 {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const vmu = v128.splat<T>(momentum);
  const vlr = v128.splat<T>(lr);
  const vwd = v128.splat<T>(weightDecay);
  const plain = momentum == 0;
  let sq0 = zero();
  let sq1 = zero();
  for (let k: usize = 0; k < full; k += 16) {
    const wk = v128.load(w + k);
    const raw = v128.load(g + k);
    const lo = lowF64<T>(raw);
    const hi = highF64<T>(raw);
    sq0 = f64x2.add(sq0, f64x2.mul(lo, lo));
    sq1 = f64x2.add(sq1, f64x2.mul(hi, hi));
    const gk = v128.add<T>(raw, v128.mul<T>(vwd, wk));
    let step = gk;
    if (!plain) {
      const vel = v128.add<T>(v128.mul<T>(vmu, v128.load(velocity + k)), gk);
      v128.store(velocity + k, vel);
      step = nesterov ? v128.add<T>(gk, v128.mul<T>(vmu, vel)) : vel;
    }
    v128.store(w + k, v128.sub<T>(wk, v128.mul<T>(vlr, step)));
  }
  let total = f64Total(sq0, sq1);
  for (let k = full; k < end; k += S) {
    const wk = load<T>(w + k);
    const raw = load<T>(g + k);
    total += <f64>raw * <f64>raw;
    const gk = raw + weightDecay * wk;
    let step = gk;
    if (!plain) {
      const vel = momentum * load<T>(velocity + k) + gk;
      store<T>(velocity + k, vel);
      step = nesterov ? gk + momentum * vel : vel;
    }
    store<T>(w + k, wk - lr * step);
  }
  return total;
}
