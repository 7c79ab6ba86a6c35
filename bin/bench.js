#!/usr/bin/env node
// `npm run bench`: the benchmark harness (bench/run.ts), compiled on load by tsx like the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
