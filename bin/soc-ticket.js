#!/usr/bin/env node
import { main } from '../dist/cli.js';

process.on('SIGINT', () => {
  process.stderr.write('\nInterrupted.\n');
  process.exit(130);
});
const code = await main(process.argv.slice(2));
process.exitCode = code;
