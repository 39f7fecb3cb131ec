#!/usr/bin/env node
// The binary: a fast path for --version (no command tree to load), else the CLI's main().
import { VERSION } from '../dist/version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  process.on('SIGINT', () => {
    process.stderr.write('\nInterrupted.\n');
    process.exit(130);
  });
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(args);
}
