// The dispatcher as the server runs it, alone in a process the kill test can SIGKILL: the configuration
// from the environment, the transports it names. Its clock starts at DISPATCH_CLOCK_FROM (a daytime
// instant, so SMS are not held for the night whenever the test runs) and runs at the real pace.
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { transportsFrom } from '../../src/outbox/transports.js';

const config = loadConfig();
const db = createDb(config.database);
const from = Number(process.env.DISPATCH_CLOCK_FROM);
const startedAt = Number(process.env.DISPATCH_CLOCK_STARTED);
const dispatcher = new Dispatcher(db, transportsFrom(config.outbox), config.outbox, (m) => console.error(m), 25, () => new Date(from + (Date.now() - startedAt)));
dispatcher.start();
console.log('dispatching');
