#!/usr/bin/env node
// Entry point: kept tiny so `aero --help` loads nothing else. Commands are imported
// on demand; the core and plugins load only when a command needs the project.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[aero] internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
