/**
 * A gateway process that crashes between reserve and settle: it opens the database the parent names,
 * reserves the requests given on the command line, prints "reserved", then waits to be killed.
 */
import { loadConfig } from '../../../src/config.js';
import { createContext, prepareStore } from '../../../src/gateway.js';
import { resolveSecrets } from '../../../src/secrets.js';

const [platformId, endUserId, count] = process.argv.slice(2);
const config = loadConfig();
const store = await prepareStore(config);
const ctx = createContext(config, store, resolveSecrets(config));
for (let i = 0; i < Number(count); i++) {
  const res = await ctx.billing.reserve({
    requestId: `crash-${process.pid}-${i}`,
    platformId,
    endUserId: endUserId === 'null' ? null : endUserId,
    promptTokens: 100,
    maxOutputTokens: 1000,
    inputMicrosPerMtok: 2_500_000,
    outputMicrosPerMtok: 10_000_000,
  });
  if (!res.ok) throw new Error(res.message);
}
process.stdout.write('reserved\n');
setInterval(() => {}, 60_000);
