import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';
import { storeContract } from './store-contract';

describe('FsStore', () => {
  let dir: string;
  storeContract(
    async () => {
      dir = tempDir('fs-store');
      return new FsStore(dir);
    },
    async () => removeDir(dir),
  );

  it('leaves no temporary file behind and never lists one', async () => {
    const root = tempDir('fs-temp');
    try {
      const store = new FsStore(root);
      await store.put('raw/a/b.json', '{}');
      await store.put('raw/a/b.json', '{"x":1}');
      expect(readdirSync(path.join(root, 'raw', 'a'))).to.deep.equal(['b.json']);
      expect((await store.list('raw/')).map((o) => o.key)).to.deep.equal(['raw/a/b.json']);
    } finally {
      removeDir(root);
    }
  });

  it('putMany moves a local file into place and leaves no temporary file', async () => {
    const root = tempDir('fs-putmany');
    const local = tempDir('fs-putmany-local');
    try {
      const store = new FsStore(root);
      const file = path.join(local, 'out.parquet');
      writeFileSync(file, 'PAR1');
      await store.putMany([{ key: 'transformed/t/chart=a/week=2023-01-05/part-0.parquet', file }, { key: 'raw/a/b.json', body: '{}' }]);
      expect(existsSync(file)).to.equal(false);
      expect(readFileSync(path.join(root, 'transformed', 't', 'chart=a', 'week=2023-01-05', 'part-0.parquet'), 'utf8')).to.equal('PAR1');
      expect(readdirSync(path.join(root, 'raw', 'a'))).to.deep.equal(['b.json']);
    } finally {
      removeDir(root);
      removeDir(local);
    }
  });

  it('putMany of many objects (one flush for all) writes each whole and lists no temporary file', async () => {
    const root = tempDir('fs-putmany-many');
    try {
      const store = new FsStore(root);
      const entries = Array.from({ length: 40 }, (_, i) => ({ key: `transformed/t/chart=a/week=2023-01-05/part-${i}.parquet`, body: `object ${i}` }));
      const infos = await store.putMany(entries);
      expect(infos.map((info) => info.size)).to.deep.equal(entries.map((entry) => entry.body.length));
      expect(readdirSync(path.join(root, 'transformed', 't', 'chart=a', 'week=2023-01-05')).sort()).to.deep.equal(entries.map((entry) => path.basename(entry.key)).sort());
      expect((await store.get(entries[39].key))?.toString()).to.equal('object 39');
    } finally {
      removeDir(root);
    }
  });

  it('refuses keys that would escape the lake folder', async () => {
    const root = tempDir('fs-escape');
    try {
      const store = new FsStore(root);
      for (const key of ['../x', 'raw/../../x', '/etc/passwd', 'raw//x', '']) {
        let error: Error | undefined;
        await store.put(key, 'x').catch((e: Error) => (error = e));
        expect(error?.message, key).to.match(/invalid lake key/);
      }
      expect(existsSync(path.join(root, '..', 'x'))).to.equal(false);
    } finally {
      removeDir(root);
    }
  });
});
