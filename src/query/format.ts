import type { QueryResult } from './duckdb';

export type OutputFormat = 'table' | 'csv' | 'json';

/** Renders a result for the terminal (`table`), for spreadsheets (`csv`) or for programs (`json`, one array). */
export function formatResult(result: QueryResult, format: OutputFormat): string {
  const names = result.columns.map((column) => column.name);
  if (format === 'json') return JSON.stringify(result.rows, null, 2);
  if (format === 'csv') {
    const cell = (value: unknown) => {
      const text = value === null || value === undefined ? '' : Array.isArray(value) || typeof value === 'object' ? JSON.stringify(value) : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return [names.map(cell).join(','), ...result.rows.map((row) => names.map((name) => cell(row[name])).join(','))].join('\n');
  }
  const text = (value: unknown) => (value === null || value === undefined ? '' : Array.isArray(value) || typeof value === 'object' ? JSON.stringify(value) : String(value));
  const numeric = result.columns.map((column) => /INT|DOUBLE|FLOAT|DECIMAL/.test(column.type));
  const cells = result.rows.map((row) => names.map((name) => text(row[name])));
  const widths = names.map((name, index) => Math.min(60, Math.max(name.length, ...cells.map((row) => row[index].length))));
  const pad = (value: string, index: number) => {
    const clipped = value.length > widths[index] ? `${value.slice(0, widths[index] - 1)}…` : value;
    return numeric[index] ? clipped.padStart(widths[index]) : clipped.padEnd(widths[index]);
  };
  const lines = [
    names.map(pad).join('  '),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...cells.map((row) => row.map(pad).join('  ')),
    `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
  ];
  return lines.join('\n');
}
