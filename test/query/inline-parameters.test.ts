import { expect } from 'chai';
import { foldParams, inlineParameters } from '../../src/query/sql';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

describe('inlineParameters: ? values as SQL literals for DuckDB', () => {
  it('replaces placeholders in order, quoting strings and leaving ? in strings, identifiers and comments alone', () => {
    const sql = `SELECT '?' AS q, "a?" AS b -- why?\nFROM t /* ? */ WHERE c = ? AND d BETWEEN CAST(? AS DATE) AND ? AND e = ?`;
    expect(inlineParameters(sql, ["it's", '2023-01-05', 3, null])).to.equal(
      `SELECT '?' AS q, "a?" AS b -- why?\nFROM t /* ? */ WHERE c = 'it''s' AND d BETWEEN CAST('2023-01-05' AS DATE) AND 3 AND e = NULL`,
    );
  });

  it('refuses a count of values that does not match the placeholders', () => {
    expect(() => inlineParameters('SELECT ?, ?', ['a'])).to.throw(/more '\?' placeholders/);
    expect(() => inlineParameters('SELECT ?', ['a', 'b'])).to.throw(/2 value\(s\) given for 1/);
  });

  it('a quote inside a value cannot end the literal', () => {
    expect(inlineParameters('SELECT * FROM t WHERE chart = ?', ["x' OR '1'='1"])).to.equal(`SELECT * FROM t WHERE chart = 'x'' OR ''1''=''1'`);
  });
});

describe('foldParams: the params CTE values folded into p.<name>', () => {
  const sql = [
    'WITH params AS (',
    '  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS INTEGER) AS row_limit',
    ')',
    'SELECT e.* FROM chart_entries AS e CROSS JOIN params AS p',
    "WHERE e.chart = p.chart AND year(e.week) >= year(p.from_week) AND e.rank <= p.row_limit AND e.x = p.other AND e.note <> 'p.chart'",
  ].join('\n');

  it('replaces each p.<name> of the CTE with its value, cast as the CTE casts it; the ? stay for binding', () => {
    const folded = foldParams(sql, ["it's (us)", '2023-01-05', 10]);
    expect(folded).to.include("e.chart = CAST('it''s (us)' AS VARCHAR)");
    expect(folded).to.include("year(CAST('2023-01-05' AS DATE))");
    expect(folded).to.include('e.rank <= CAST(10 AS INTEGER)');
    expect(folded, 'a name the CTE does not have').to.include('e.x = p.other');
    expect(folded, 'a string that reads like one').to.include("e.note <> 'p.chart'");
    expect(folded.match(/\?/g)).to.have.length(3);
    expect(foldParams(sql, ['us', null, 10])).to.include('year(CAST(NULL AS DATE))');
  });

  it('leaves a query without a params CTE, or without values, as it is', () => {
    expect(foldParams('SELECT p.chart FROM t AS p WHERE p.week = ?', ['2023-01-05'])).to.equal('SELECT p.chart FROM t AS p WHERE p.week = ?');
    expect(foldParams(sql, [])).to.equal(sql);
  });
});

describe('every SQL file with a params CTE calls it p, and nothing else p (what foldParams relies on)', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql') && /\bWITH\s+params\s+AS\b/i.test(readFileSync(full, 'utf8'))) files.push(full);
    }
  };
  walk(path.join(__dirname, '..', '..', 'src'));

  it('finds the saved analyses, the report and the forecast queries', () => {
    expect(files.length).to.be.at.least(20);
  });
  for (const file of files) {
    it(path.relative(path.join(__dirname, '..', '..'), file), () => {
      const code = readFileSync(file, 'utf8').replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
      const aliased = [...code.matchAll(/(\w+)\s+(?:AS\s+)?p\b(?!\.)/gi)].map((match) => match[1].toLowerCase());
      expect(aliased.length, 'params is joined as p').to.be.greaterThan(0);
      expect(aliased.filter((name) => name !== 'params'), 'other relations named p').to.deep.equal([]);
    });
  }
});
