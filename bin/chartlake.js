#!/usr/bin/env node
// The `chartlake` command (package.json "bin"; `npm run chartlake`, `npx chartlake`, `npm link`): installs the
// dependencies when node_modules does not match the lock file, compiles src/ when it changed since the last
// build, then runs the compiled CLI. Both checks cost a few milliseconds when there is nothing to do.
'use strict';
try {
  require('../scripts/ensure-deps.js').ensureDeps();
  require('../scripts/build.js').ensureBuilt();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
require('../dist/src/cli/main.js').cli(process.argv.slice(2));
