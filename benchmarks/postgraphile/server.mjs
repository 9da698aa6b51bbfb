// PostGraphile v5 (amber preset) over the zhifa tables, for `python -m benchmarks`.
// DATABASE_URL, PORT and WORKERS (node cluster processes, to match zhifa's uvicorn workers) from the environment.
//
// grafast 1.1.x and @dataplan/pg 1.1.x call Promise.withResolvers (node 22) unguarded; on node 20
// every SQL fetch then fails as "Cannot read properties of undefined (reading 'items')". The
// standard one-liner below makes them run on node 20 too.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new this((yes, no) => { resolve = yes; reject = no; });
  return { promise, resolve, reject };
};
import cluster from "node:cluster";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const port = Number(process.env.PORT);
const workers = Number(process.env.WORKERS || 1);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => { console.error(`worker ${worker.process.pid} exited with ${code}`); process.exit(1); });
} else {
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
    grafserv: { port, host: "127.0.0.1", graphiql: false },
    grafast: { explain: false },
  };
  const serv = postgraphile(preset).createServ(grafserv);
  const server = createServer();
  server.on("error", (e) => { console.error(e); process.exit(1); });
  serv.addTo(server).catch((e) => { console.error(e); process.exit(1); });
  server.listen(port, "127.0.0.1");
}
