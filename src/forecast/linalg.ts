/** Small dense linear algebra for the models: matrices are arrays of rows, at most a few dozen columns. */

/** Solves A·x = b for a symmetric positive-definite A (Cholesky); a tiny ridge keeps near-singular A solvable. */
export function solveSpd(a: number[][], b: number[]): number[] {
  return solveCholesky(cholesky(a), b);
}

/** The lower-triangular L with L·Lᵀ = A (A symmetric positive-definite; a pivot below 1e-12 is raised to it). */
export function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) l[i][i] = Math.sqrt(Math.max(sum, 1e-12));
      else l[i][j] = sum / l[j][j];
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b for the factor `cholesky` returned: one factorisation, many right-hand sides. */
export function solveCholesky(l: number[][], b: ArrayLike<number>): number[] {
  const n = b.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x;
}
