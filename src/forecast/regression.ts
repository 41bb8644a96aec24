/**
 * A linear model on standardised features: y = intercept + Σ weight·(x - mean)/scale. Kept as plain numbers so a
 * forecast can be explained by its coefficients.
 */
export interface LinearModel {
  names: readonly string[];
  mean: number[];
  scale: number[];
  weights: number[];
  intercept: number;
}

export function linearScore(model: LinearModel, x: readonly number[]): number {
  let score = model.intercept;
  for (let j = 0; j < x.length; j++) score += model.weights[j] * ((x[j] - model.mean[j]) / model.scale[j]);
  return score;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
