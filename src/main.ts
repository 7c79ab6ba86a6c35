/** The `assistiv` command line: serve, migrate, platform create, admin-key. */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { addOperatorFromCli } from './accounts/cli.js';
import type { ServerRole } from './app.js';
import { verifyLedgerFromCli } from './cli/ledger.js';
import { createPlatformFromCli } from './cli/platform.js';
import { importPricesFromCli } from './cli/prices.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createGateway, prepareStore } from './gateway.js';
import { adminKeyFile, resolveSecrets } from './secrets.js';
import { describeDatabase } from './store/database.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`assistiv: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Ends the process with one readable line (no stack trace) for failures an operator can fix. */
function fail(what: string, err: unknown): never {
  const e = err as { code?: string; message?: string };
  const detail = e?.code === 'EADDRINUSE' ? 'the address is already in use' : (e?.message ?? String(err));
  process.stderr.write(`assistiv: ${what}: ${detail}\n`);
  process.exit(1);
}

const program = new Command('assistiv').description('Assistiv Gateway: a multi-tenant LLM gateway').showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('migrate the database, seed the catalogue and serve the API')
  .addOption(
    new Option('--role <role>', 'serve management routes, inference routes, or both (run each role as its own instances)')
      .choices(['all', 'management', 'inference'])
      .default('all'),
  )
  .action(async (opts: { role: ServerRole }) => {
    const config = configOrExit();
    const gateway = await createGateway(config, { role: opts.role }).catch((err) => fail('cannot start', err));
    const address = await gateway.app.listen({ port: config.port, host: config.host }).catch(async (err) => {
      await gateway.close();
      return fail(`cannot listen on ${config.host}:${config.port} (set PORT or HOST)`, err);
    });
    const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    const lines = [
      `Assistiv Gateway listening on ${base} (${describeDatabase(gateway.ctx.store)}${config.databaseUrl ? '' : ` in ${config.dataDir}`})`,
      `  API reference: ${base}/docs    Dashboard: ${base}/dashboard`,
    ];
    if (gateway.secrets.generatedAdminKey) {
      lines.push(
        '',
        'First start: generated the operator admin key (shown once; stored with mode 0600 in',
        `  ${adminKeyFile(config.dataDir)}):`,
        '',
        `  ${gateway.secrets.adminKey}`,
        '',
        'Next steps:',
        `  1. Create a platform:   npx assistiv platform create --name "My App"`,
        `     or: curl -X POST ${base}/v1/admin/platforms -H "Authorization: Bearer <admin key>" -H "Content-Type: application/json" -d '{"name":"My App"}'`,
        `  2. Follow the quick start in README.md with the platform key and ID it prints.`,
      );
    }
    if (gateway.secrets.generatedEncryptionKey) {
      lines.push(
        '',
        `Generated the provider-key encryption key in ${config.dataDir}/encryption.key: back it up; without it stored provider keys cannot be read.`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // A second signal (Ctrl-C twice) does not wait: SQLite holds end with the process, PostgreSQL's are swept.
      if (stopping) process.exit(1);
      stopping = true;
      process.stdout.write(
        `assistiv: ${signal}: no new connections; finishing requests in flight (up to ${config.shutdownGraceMs} ms, ASSISTIV_SHUTDOWN_GRACE_MS)\n`,
      );
      gateway.close().then(
        () => process.exit(0),
        (err) => fail('stopping failed', err),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations and seed the catalogue, then exit')
  .action(async () => {
    const config = configOrExit();
    const store = await prepareStore(config).catch((err) => fail('cannot migrate', err));
    await store.close();
    process.stdout.write(`Database is up to date (${describeDatabase(store)}).\n`);
  });

const platform = program.command('platform').description('manage platforms');
platform
  .command('create')
  .description('create a platform and print its ID and first platform key')
  .requiredOption('--name <name>', 'display name')
  .option('--slug <slug>', 'URL-safe identifier (default: from the name)')
  .action(async (opts: { name: string; slug?: string }) => {
    await createPlatformFromCli(configOrExit(), opts);
  });

program
  .command('operator')
  .description('dashboard operator accounts')
  .command('add')
  .description('add an operator member (signs in to the dashboard with a password) and print its one-time set-password link')
  .requiredOption('--email <email>', "the operator's email address")
  .option('--role <role>', 'viewer, billing, developer, admin or owner', 'owner')
  .option('--url <url>', "the gateway's public URL for the link (default: http://HOST:PORT)")
  .action(async (opts: { email: string; role: string; url?: string }) => {
    await addOperatorFromCli(configOrExit(), opts);
  });

program
  .command('ledger')
  .description('audit the money ledgers')
  .command('verify')
  .description('recompute every balance from its ledger and check every billed request; exits 1 naming each difference')
  .option('--json', 'print the report as JSON')
  .action(async (opts: { json?: boolean }) => {
    await verifyLedgerFromCli(configOrExit(), opts);
  });

program
  .command('prices')
  .description('model route prices')
  .command('import <file>')
  .description(
    'compare a price list (LiteLLM model_prices_and_context_window.json or genai-prices data.json) with the model routes and print the diff; --apply applies it',
  )
  .option('--dry-run', 'print the diff and change nothing (the default)')
  .option('--apply', 'apply lowered prices and added models in one transaction')
  .option('--allow-increases', 'with --apply, also apply price increases')
  .option('--no-add', 'only reprice existing routes: add no models')
  .action(async (file: string, opts: { dryRun?: boolean; apply?: boolean; allowIncreases?: boolean; add: boolean }) => {
    await importPricesFromCli(configOrExit(), file, opts);
  });

program
  .command('admin-key')
  .description('print the operator admin key of the embedded default (from the data dir)')
  .action(() => {
    const config = configOrExit();
    if (config.adminKey) {
      process.stdout.write('The admin key comes from ASSISTIV_ADMIN_KEY in this environment.\n');
      return;
    }
    resolveSecrets(config);
    process.stdout.write(`${readFileSync(adminKeyFile(config.dataDir), 'utf8').trim()}\n`);
  });

await program.parseAsync(process.argv);
