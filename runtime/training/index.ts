/**
 * The float trainer's kernels (compiler/nn/engine.ts loads them): one WebAssembly module, built by
 * `npm run build` with SIMD, AssemblyScript's stub runtime and an imported memory that the host
 * sizes once per network. Every kernel exists twice, `…32` on float32 (what training runs) and
 * `…64` on float64 (what the finite-difference gradient checks run), instantiated from the same
 * generic source so both precisions execute the same loops.
 */
import { batchNormBackward, batchNormEval, batchNormTrain } from './batchnorm';
import { bceLoss, huberLoss, maeLoss, mseLoss, softmaxCrossEntropyLoss, weightedBceLoss, weightedSoftmaxCrossEntropyLoss } from './losses';
import { denseForward, denseInputGradient, denseWeightGradient } from './dense';
import { allFinite, columnMax, countOutside, reluBackward, reluForward, scale, sumSquares } from './elementwise';
import { adam, sgd } from './optimizers';
import { standardizeRows } from './standardize';

export function denseForward32(x: usize, rows: i32, nIn: i32, nOut: i32, w: usize, b: usize, y: usize, oFrom: i32, oTo: i32): void {
  denseForward<f32>(x, rows, nIn, nOut, w, b, y, oFrom, oTo);
}
export function denseForward64(x: usize, rows: i32, nIn: i32, nOut: i32, w: usize, b: usize, y: usize, oFrom: i32, oTo: i32): void {
  denseForward<f64>(x, rows, nIn, nOut, w, b, y, oFrom, oTo);
}
export function denseWeightGradient32(x: usize, dy: usize, rows: i32, nIn: i32, nOut: i32, dw: usize, db: usize, oFrom: i32, oTo: i32): void {
  denseWeightGradient<f32>(x, dy, rows, nIn, nOut, dw, db, oFrom, oTo);
}
export function denseInputGradient32(dy: usize, rows: i32, nIn: i32, nOut: i32, w: usize, dx: usize, iFrom: i32, iTo: i32): void {
  denseInputGradient<f32>(dy, rows, nIn, nOut, w, dx, iFrom, iTo);
}
export function denseWeightGradient64(x: usize, dy: usize, rows: i32, nIn: i32, nOut: i32, dw: usize, db: usize, oFrom: i32, oTo: i32): void {
  denseWeightGradient<f64>(x, dy, rows, nIn, nOut, dw, db, oFrom, oTo);
}
export function denseInputGradient64(dy: usize, rows: i32, nIn: i32, nOut: i32, w: usize, dx: usize, iFrom: i32, iTo: i32): void {
  denseInputGradient<f64>(dy, rows, nIn, nOut, w, dx, iFrom, iTo);
}
export function reluForward32(kind: i32, x: usize, n: i32, y: usize, alpha: f32): void {
  reluForward<f32>(kind, x, n, y, alpha);
}
export function reluForward64(kind: i32, x: usize, n: i32, y: usize, alpha: f64): void {
  reluForward<f64>(kind, x, n, y, alpha);
}
export function reluBackward32(kind: i32, x: usize, dy: usize, n: i32, dx: usize, alpha: f32): void {
  reluBackward<f32>(kind, x, dy, n, dx, alpha);
}
export function reluBackward64(kind: i32, x: usize, dy: usize, n: i32, dx: usize, alpha: f64): void {
  reluBackward<f64>(kind, x, dy, n, dx, alpha);
}
export function batchNormTrain32(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: f32, momentum: f32, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize, scratch: usize): void {
  batchNormTrain<f32>(x, rows, features, gamma, beta, eps, momentum, runningMean, runningVar, invStd, xHat, y, scratch);
}
export function batchNormTrain64(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: f64, momentum: f64, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize, scratch: usize): void {
  batchNormTrain<f64>(x, rows, features, gamma, beta, eps, momentum, runningMean, runningVar, invStd, xHat, y, scratch);
}
export function batchNormEval32(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: f32, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize): void {
  batchNormEval<f32>(x, rows, features, gamma, beta, eps, runningMean, runningVar, invStd, xHat, y);
}
export function batchNormEval64(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: f64, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize): void {
  batchNormEval<f64>(x, rows, features, gamma, beta, eps, runningMean, runningVar, invStd, xHat, y);
}
export function batchNormBackward32(dy: usize, rows: i32, features: i32, gamma: usize, invStd: usize, xHat: usize, batchStatistics: bool, dGamma: usize, dBeta: usize, dx: usize, scratch: usize): void {
  batchNormBackward<f32>(dy, rows, features, gamma, invStd, xHat, batchStatistics, dGamma, dBeta, dx, scratch);
}
export function batchNormBackward64(dy: usize, rows: i32, features: i32, gamma: usize, invStd: usize, xHat: usize, batchStatistics: bool, dGamma: usize, dBeta: usize, dx: usize, scratch: usize): void {
  batchNormBackward<f64>(dy, rows, features, gamma, invStd, xHat, batchStatistics, dGamma, dBeta, dx, scratch);
}
export function adam32(w: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f32, beta1: f32, beta2: f32, invSqrtC2: f32, epsilon: f32, weightDecay: f32, decayStep: f32, decoupled: bool): f64 {
  return adam<f32>(w, g, m, v, n, stepSize, beta1, beta2, invSqrtC2, epsilon, weightDecay, decayStep, decoupled);
}
export function adam64(w: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f64, beta1: f64, beta2: f64, invSqrtC2: f64, epsilon: f64, weightDecay: f64, decayStep: f64, decoupled: bool): f64 {
  return adam<f64>(w, g, m, v, n, stepSize, beta1, beta2, invSqrtC2, epsilon, weightDecay, decayStep, decoupled);
}
export function sgd32(w: usize, g: usize, velocity: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, weightDecay: f32): f64 {
  return sgd<f32>(w, g, velocity, n, lr, momentum, nesterov, weightDecay);
}
export function sgd64(w: usize, g: usize, velocity: usize, n: i32, lr: f64, momentum: f64, nesterov: bool, weightDecay: f64): f64 {
  return sgd<f64>(w, g, velocity, n, lr, momentum, nesterov, weightDecay);
}
export function sumSquares32(p: usize, n: i32): f64 {
  return sumSquares<f32>(p, n);
}
export function sumSquares64(p: usize, n: i32): f64 {
  return sumSquares<f64>(p, n);
}
export function scale32(p: usize, n: i32, s: f32): void {
  scale<f32>(p, n, s);
}
export function scale64(p: usize, n: i32, s: f64): void {
  scale<f64>(p, n, s);
}
export function allFinite32(p: usize, n: i32): bool {
  return allFinite<f32>(p, n);
}
export function allFinite64(p: usize, n: i32): bool {
  return allFinite<f64>(p, n);
}
export function standardizeRows32(x: usize, rows: i32, columns: i32, mean: usize, std: usize): void {
  standardizeRows<f32>(x, rows, columns, mean, std);
}
export function standardizeRows64(x: usize, rows: i32, columns: i32, mean: usize, std: usize): void {
  standardizeRows<f64>(x, rows, columns, mean, std);
}
export function mseLoss32(p: usize, t: usize, n: i32, grad: usize, scale: f32): f64 {
  return mseLoss<f32>(p, t, n, grad, scale);
}
export function maeLoss32(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  return maeLoss<f32>(p, t, n, grad, scale);
}
export function huberLoss32(p: usize, t: usize, n: i32, grad: usize, scale: f64, delta: f64): f64 {
  return huberLoss<f32>(p, t, n, grad, scale, delta);
}
export function bceLoss32(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  return bceLoss<f32>(p, t, n, grad, scale);
}
export function softmaxCrossEntropyLoss32(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64): f64 {
  return softmaxCrossEntropyLoss<f32>(p, t, rows, cols, grad, scale);
}
export function weightedBceLoss32(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  return weightedBceLoss<f32>(p, t, rows, cols, grad, scale, w);
}
export function weightedSoftmaxCrossEntropyLoss32(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  return weightedSoftmaxCrossEntropyLoss<f32>(p, t, rows, cols, grad, scale, w);
}
export function mseLoss64(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  return mseLoss<f64>(p, t, n, grad, scale);
}
export function maeLoss64(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  return maeLoss<f64>(p, t, n, grad, scale);
}
export function huberLoss64(p: usize, t: usize, n: i32, grad: usize, scale: f64, delta: f64): f64 {
  return huberLoss<f64>(p, t, n, grad, scale, delta);
}
export function bceLoss64(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  return bceLoss<f64>(p, t, n, grad, scale);
}
export function softmaxCrossEntropyLoss64(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64): f64 {
  return softmaxCrossEntropyLoss<f64>(p, t, rows, cols, grad, scale);
}
export function weightedBceLoss64(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  return weightedBceLoss<f64>(p, t, rows, cols, grad, scale, w);
}
export function weightedSoftmaxCrossEntropyLoss64(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  return weightedSoftmaxCrossEntropyLoss<f64>(p, t, rows, cols, grad, scale, w);
}
export function columnMax32(x: usize, rows: i32, cols: i32, acc: usize): void {
  columnMax<f32>(x, rows, cols, acc);
}
export function countOutside32(x: usize, n: i32, lo: f32, hi: f32): i32 {
  return countOutside<f32>(x, n, lo, hi);
}
export function columnMax64(x: usize, rows: i32, cols: i32, acc: usize): void {
  columnMax<f64>(x, rows, cols, acc);
}
export function countOutside64(x: usize, n: i32, lo: f64, hi: f64): i32 {
  return countOutside<f64>(x, n, lo, hi);
}

/** First byte after the module's static data (the math functions' tables): where host buffers may start. */
export function heapBase(): usize {
  return __heap_base;
}
