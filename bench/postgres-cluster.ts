/**
 * A private PostgreSQL cluster for `npm run bench -- --postgres`: initdb + pg_ctl on a free port in a temp
 * dir on the real disk (as .ci/run does), either with production durability (fsync, synchronous_commit and
 * full_page_writes on: PostgreSQL's defaults, what an operator runs) or with all three off. Its server
 * processes' CPU is read from /proc so the database's share of each request can be reported too.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { clockTicksPerS, cpuMicros, statFields } from './processes.js';

export type Durability = 'durable' | 'fast';

export type PostgresCluster = {
  durability: Durability;
  /** Superuser URL (trust authentication on 127.0.0.1 only). */
  url: string;
  /** The durability settings as the running server reports them (SHOW), not as requested. */
  settings: string;
  /** CPU the postmaster and all its server processes have used so far, in µs (exited backends included). */
  cpuMicros(): number;
  stop(): void;
};

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  const latest = versions.at(-1);
  if (!latest) throw new Error('--postgres needs PostgreSQL server binaries: install postgresql or set PG_BIN to their directory');
  return join(root, latest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; as root the cluster belongs to the postgres user. */
function runAsOwner(bin: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export async function startCluster(durability: Durability): Promise<PostgresCluster> {
  const bin = pgBin();
  // On tmpfs fsync costs nothing and "durable" would be a lie: PG_BENCH_DIR puts the cluster on a real disk.
  const parent = process.env.PG_BENCH_DIR || tmpdir();
  const filesystem = execFileSync('stat', ['-f', '-c', '%T', parent], { encoding: 'utf8' }).trim();
  if (durability === 'durable' && /tmpfs|ramfs/.test(filesystem)) {
    throw new Error(`${parent} is ${filesystem}, where fsync is free: set PG_BENCH_DIR to a directory on a real disk`);
  }
  const dir = mkdtempSync(join(parent, `assistiv-bench-pg-${durability}-`));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const on = durability === 'durable' ? 'on' : 'off';
  const requested = `fsync=${on} synchronous_commit=${on} full_page_writes=${on}`;
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    ...requested.split(' ').map((s) => `-c ${s}`),
  ].join(' ');
  runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']);
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const settings = `${await showSettings(url)} data_dir_filesystem=${filesystem}`;
  return {
    durability,
    url,
    settings,
    cpuMicros() {
      // The postmaster's own time plus its reaped children's (cutime, cstime) plus the live children's.
      const f = statFields(postmaster);
      const ticks = Number(f[13]) + Number(f[14]);
      let total = cpuMicros(postmaster) + (ticks * 1e6) / clockTicksPerS;
      for (const child of childrenOf(postmaster)) {
        try {
          total += cpuMicros(child);
        } catch {
          // exited between listing and reading: its time is now in the postmaster's cutime
        }
      }
      return total;
    },
    stop() {
      try {
        runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function showSettings(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method'];
    const { rows } = await client.query<{ name: string; setting: string }>(
      'SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)',
      [names],
    );
    return rows.map((r) => `${r.name}=${r.setting}`).join(' ');
  } finally {
    await client.end();
  }
}
