#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (tsx compiles on load; the hot path is unaffected).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
