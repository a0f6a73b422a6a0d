/**
 * Successive halving over epochs: every candidate that fits is trained for the first rung's
 * epochs, the best 1/eta go on to eta times as many, and so on up to the project's full epoch
 * count. Each rung trains from scratch with its own epoch budget (the learning-rate schedule spans
 * the run it is in), so a candidate's last score is exactly what `firmnet build` would train.
 */
export function rungEpochs(maxEpochs: number, rungs: number, eta: number): number[] {
  const out: number[] = [];
  for (let r = rungs - 1; r >= 0; r--) {
    const epochs = Math.max(1, Math.round(maxEpochs / eta ** r));
    if (out.length === 0 || epochs > out[out.length - 1]) out.push(epochs);
  }
  return out;
}

/** How many of `n` candidates go on to the next rung. */
export function promoted(n: number, eta: number): number {
  return Math.max(1, Math.ceil(n / eta));
}
