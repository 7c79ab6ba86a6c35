/** Which optional suites this run can drive, and why the others are skipped. */

export const postgresUrl = process.env.ASSISTIV_TEST_DATABASE_URL;
export const browserEnabled = process.env.ASSISTIV_TEST_BROWSER === '1';
export const redisUrl = process.env.ASSISTIV_TEST_REDIS_URL;

export type OptionalSuite = { name: string; enabled: boolean; howToEnable: string };

export const optionalSuites: OptionalSuite[] = [
  {
    name: 'PostgreSQL (every database suite again on a real server)',
    enabled: Boolean(postgresUrl),
    howToEnable: 'set ASSISTIV_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres (a role that may CREATE DATABASE)',
  },
  {
    name: 'Redis (the shared rate-limit store)',
    enabled: Boolean(redisUrl),
    howToEnable: 'install Debian redis-server and set ASSISTIV_TEST_REDIS_URL=redis://127.0.0.1:6379',
  },
  {
    name: 'Browser (dashboard end to end in Chromium)',
    enabled: browserEnabled,
    howToEnable: 'install Debian chromium (/usr/bin/chromium) and set ASSISTIV_TEST_BROWSER=1',
  },
];

/** The storage dialects every database suite runs against in this run. */
export const dialects: Array<'sqlite' | 'postgres'> = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
