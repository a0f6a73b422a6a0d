/**
 * How the trainer trains a float layer kind from its op's definition alone: its trained tensors,
 * the per-row values its forward pass keeps for the backward pass, and its float forward and
 * backward over plain arrays. compiler/nn/op-layer.ts runs it on the trainer's engine buffers, so an
 * op with a `trainer` needs no layer class or table entry in compiler/nn/. For layers that behave
 * the same in train and eval mode (a kind with batch statistics keeps its own layer in compiler/nn/).
 */

/** A writable array of numbers: the trainer's float32 or float64 buffers (the float64 build runs the gradient checks). */
export type Floats = { [index: number]: number; readonly length: number };

/** A trained tensor as the spec holds it; the trainer names it `<kind><index>.<name>`. */
export interface TrainedTensor {
  name: string;
  values: readonly number[];
  /** Whether weight decay applies to it. */
  decay: boolean;
}

export interface FloatForwardPass {
  x: ArrayLike<number>;
  rows: number;
  /** The current values of the trained tensors, in `tensors(spec)` order. */
  tensors: readonly ArrayLike<number>[];
  /** One array per `savedPerRow(spec)` entry, `rows ×` that many values, for `backward`. */
  saved: readonly Floats[];
  y: Floats;
}

export interface FloatBackwardPass {
  dy: ArrayLike<number>;
  rows: number;
  tensors: readonly ArrayLike<number>[];
  /** What the last forward pass wrote. */
  saved: readonly ArrayLike<number>[];
  /** dL/dx to write, or null when nothing consumes it (the first layer). */
  dx: Floats | null;
  /** dL/d(tensor) to write (overwrite), in `tensors(spec)` order. */
  grads: readonly Floats[];
}

export interface FloatTrainer<S> {
  tensors(spec: S): TrainedTensor[];
  /** Values per row the forward pass saves for the backward pass, one entry per saved array. */
  savedPerRow(spec: S): number[];
  forward(spec: S, pass: FloatForwardPass): void;
  backward(spec: S, pass: FloatBackwardPass): void;
  /** The spec with its trained tensors replaced by `tensors` (float32-exact numbers). */
  withTensors(spec: S, tensors: number[][]): S;
  /** A small layer with uneven tensor values and the features reaching it, for the finite-difference check every trainer gets (test/nn/gradients.test.ts). */
  example: { spec: S; inFeatures: number };
}
