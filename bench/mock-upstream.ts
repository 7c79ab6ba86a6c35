/** Child process: the OpenAI mock upstream (answers at once), on its own CPU so its work is attributable. */
import { startMockOpenAI } from '../test/mocks/index.js';

const mock = await startMockOpenAI({ maxRecorded: 0 });
process.send?.({ ready: true, url: mock.url });
process.on('disconnect', () => void mock.close().then(() => process.exit(0)));
