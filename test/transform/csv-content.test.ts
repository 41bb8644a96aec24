import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { csvContent, csvContentSha256 } from '../../src/transform/csv-file';

/** What `csvContent` means, spelled as the string rule it replaced: no BOM, CRLF as LF, no final line ends. */
function byTheRule(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  return Buffer.from(text.replace(/^\xef\xbb\xbf/, '').replace(/\r\n/g, '\n').replace(/[\r\n]+$/, ''), 'latin1');
}

describe('csvContent: the text a re-saved CSV keeps (what lineage hashes to tell a copy of another week)', () => {
  it('equals the string rule on BOMs, CRLF and LF, lone CRs, final line ends and empty files', () => {
    const cases = [
      '',
      '\ufeff',
      '\r\n',
      'rank,uri\r\n1,a\r\n2,b\r\n',
      '\ufeffrank,uri\r\n1,a\r\n2,b\r\n\r\n',
      'rank,uri\n1,a\n2,b',
      'rank,uri\r1,a\r\n2,"b\r\nc"\r',
      'a\r\r\n\n\r',
      '\r\nleading line end\r\n',
      'no line end at all',
    ].map((text) => Buffer.from(text, 'utf8'));
    // and bytes of every kind: random runs of CR, LF, a BOM's bytes and text
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [0x0d, 0x0a, 0xef, 0xbb, 0xbf, 0x61, 0x2c];
    for (let n = 0; n < 500; n += 1) cases.push(Buffer.from(Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)])));
    for (const bytes of cases) {
      const expected = byTheRule(bytes);
      expect(csvContent(bytes).equals(expected), JSON.stringify(bytes.toString('latin1'))).to.equal(true);
      expect(csvContentSha256(bytes)).to.equal(createHash('sha256').update(expected).digest('hex'));
    }
  });
});
