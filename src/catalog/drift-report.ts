import type { Catalog } from './types';

/**
 * The lines of `chartlake tables --drift`: per drifted column, the type the table keeps, every type seen with
 * the partitions that have it, and which partitions the views leave out until they are rewritten.
 */
export function describeDrift(catalog: Catalog): string[] {
  const lines: string[] = [];
  for (const table of Object.values(catalog.tables)) {
    for (const drift of table.drift) {
      const expected = drift.expected ?? drift.types[0]?.type;
      lines.push(`${table.name}.${drift.column}: type drift, the table keeps ${expected}`);
      for (const type of drift.types) {
        const note = type.type === expected ? '' : ' (left out of the view; rewrite them with `chartlake replay` to bring them back)';
        lines.push(`  ${type.type} in ${type.partitions.length} partition(s)${note}:`);
        for (const key of type.partitions) lines.push(`    ${key}`);
      }
    }
  }
  return lines.length > 0 ? lines : ['no schema drift'];
}
