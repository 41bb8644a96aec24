import { DuckDb } from '/work/wt-songs/src/query';
(async () => {
  const duck = await DuckDb.open(); const c = await duck.connect();
  for (const sql of process.argv.slice(2)) { try { console.log(JSON.stringify((await c.all(sql)))); } catch (e) { console.log('ERR', (e as Error).message); } }
})();
