/**
 * The benchmark's server processes (mock, bare proxy, gateway), each separate so its CPU is attributable,
 * and what /proc says about them: CPU time (utime + stime) and resident memory.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (100 on every common Linux). */
export const clockTicksPerS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** A server that has not said it is ready by then has failed to start. */
const START_TIMEOUT_MS = 60_000;

export type ServerProcess = { name: string; url: string; pid: number; child: ChildProcess; stop(): Promise<void> };

/** /proc/<pid>/stat's fields from field 3 (state) on: index i is field i + 3 of proc(5). */
export function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system, all threads) the process has used so far, in µs (resolution: one clock tick, 10 ms). */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 and 15 of proc(5): utime, stime.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicksPerS;
}

/** Write-type system calls (write, writev, pwrite…: sockets and files alike) the process has made so far. */
export function writeSyscalls(pid: number): number {
  return Number(/^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

/** Resident set size now and its peak so far (VmHWM), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function withTimeout<T>(what: string, promise: Promise<T>, child: ChildProcess, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms\n${output()}`)), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => reject(new Error(`${what} exited early (${code ?? signal})\n${output()}`)));
  });
  return Promise.race([promise, failed]).finally(() => clearTimeout(timer));
}

/** Forks a TypeScript child that reports `{ ready, url }` over IPC; it exits when the IPC channel closes. */
export async function startChild(name: string, file: string, args: string[] = []): Promise<ServerProcess> {
  let stderr = '';
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ['--import', 'tsx'],
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const ready = new Promise<string>((resolve) => {
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) resolve(m.url);
    });
  });
  const url = await withTimeout(name, ready, child, () => stderr);
  return {
    name,
    url,
    pid: child.pid ?? 0,
    child,
    async stop() {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

export type GatewayProcess = ServerProcess & { env: NodeJS.ProcessEnv; output(): string };

/**
 * Starts `node bin/assistiv.js serve` (exactly what operators run) on a port chosen at run time. SIGTERM
 * stops it gracefully: the log writer flushes and the billing queue drains before it exits.
 */
export async function startGateway(env: Record<string, string>, nodeFlags: string[] = []): Promise<GatewayProcess> {
  let output = '';
  const fullEnv = { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' };
  const child = spawn(process.execPath, [...nodeFlags, 'bin/assistiv.js', 'serve'], {
    cwd: repoRoot,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stderr.on('data', collect);
  const ready = new Promise<string>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      collect(d);
      const port = /listening on http:\/\/[^:\s]+:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
  });
  const url = await withTimeout('gateway', ready, child, () => output);
  return {
    name: 'gateway',
    url,
    pid: child.pid ?? 0,
    child,
    env: { ...fullEnv },
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** Runs the CLI with the gateway's environment (e.g. `ledger verify`) and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/assistiv.js', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}

export { repoRoot };
