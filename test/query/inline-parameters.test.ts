import { expect } from 'chai';
import { inlineParameters } from '../../src/query/sql';

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
