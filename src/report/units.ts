/** Numbers in readers' units: "2.57 B", "812 M", "45.6 K", never SI's "2.57306G". */
export function readable(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const size = Math.abs(value);
  const [divisor, unit] = size >= 1e9 ? [1e9, 'B'] : size >= 1e6 ? [1e6, 'M'] : size >= 1e4 ? [1e3, 'K'] : [1, ''];
  if (!unit) return Math.round(value).toLocaleString('en-US');
  const scaled = value / divisor;
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)} ${unit}`;
}

/** The same rule as a Vega expression, for axis labels and bar texts of the Vega-Lite charts. */
export const READABLE_EXPR = (field: string) =>
  `abs(${field}) >= 1e9 ? format(${field} / 1e9, abs(${field}) >= 1e11 ? '.0f' : abs(${field}) >= 1e10 ? '.1f' : '.2f') + ' B'` +
  ` : abs(${field}) >= 1e6 ? format(${field} / 1e6, abs(${field}) >= 1e8 ? '.0f' : abs(${field}) >= 1e7 ? '.1f' : '.2f') + ' M'` +
  ` : abs(${field}) >= 1e4 ? format(${field} / 1e3, abs(${field}) >= 1e5 ? '.0f' : '.1f') + ' K' : format(${field}, ',.0f')`;

/** "Jan 2023", for a month key "2023-01". */
export function monthName(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][number - 1]} ${year}`;
}
