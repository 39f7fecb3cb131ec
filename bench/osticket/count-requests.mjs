// Runs one soc-ticket command (built dist/) and counts the HTTP requests its osTicket session sends,
// by route, on stderr at the end: how many requests a command costs per ticket.
// Usage: node bench/osticket/count-requests.mjs close - --yes < ids
import { OsTicketSession } from '../../dist/backends/osticket/session.js';
import { main } from '../../dist/cli.js';

const routes = new Map();
const raw = OsTicketSession.prototype.raw;
OsTicketSession.prototype.raw = function (method, path, o) {
  // Ticket ids and numbers vary; the route is what costs.
  const route = `${method} ${path.replace(/\?.*$/, (q) => q.replace(/=[^&]*/g, '=…')).replace(/\/\d+(?=\/|$)/g, '/N')}`;
  routes.set(route, (routes.get(route) ?? 0) + 1);
  return raw.call(this, method, path, o);
};
const code = await main(process.argv.slice(2));
const total = [...routes.values()].reduce((a, b) => a + b, 0);
process.stderr.write(`requests: ${total}\n${[...routes].map(([r, n]) => `  ${n}\t${r}`).join('\n')}\n`);
process.exitCode = code;
