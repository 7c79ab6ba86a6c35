/** Runs the gateway's command line (bin/assistiv.js) to the end, collecting its output. */
import { spawn } from 'node:child_process';

export const assistivBin = new URL('../../bin/assistiv.js', import.meta.url).pathname;

export type Run = { code: number | null; stdout: string; stderr: string };

export function runAssistiv(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [assistivBin, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
