/**
 * `dtls13 learn`'s options as a table (parseArgs and `--help` from one list; learn-plan.ts reads the values). The
 * credentials are `dtls13 client`'s and `server`'s (`--ca`, `--cert`, `--key`, `--psk`, `--psk-identity`), the
 * version openssl's `-dtls1_2` / `-dtls1_3`. Imports nothing of the library: `dtls13 learn --help` loads none of it.
 */
import type { OptionTable } from './option-table.js';

export const LEARN_OPTIONS: OptionTable = [
  {
    name: 'connect',
    type: 'string',
    value: 'HOST:PORT',
    help: 'learn the DTLS server at HOST:PORT (we play the client)',
    group: 'peer',
  },
  {
    name: 'listen',
    type: 'string',
    value: 'HOST:PORT',
    help: 'learn a DTLS client: serve on HOST (a port per session)',
    group: 'peer',
  },
  {
    name: 'client-command',
    type: 'string',
    value: 'CMD',
    help: "with --listen: the client to start for each query, '{port}' replaced\nby the session's port (run by /bin/sh)",
    group: 'peer',
  },
  {
    name: 'own-client',
    type: 'boolean',
    help: "with --listen, instead of --client-command: learn dtls13's own client,\nhosted in this process (one connect() per session, trusting --ca)",
    group: 'peer',
  },
  {
    name: 'server-command',
    type: 'string',
    value: 'CMD',
    help: "learn a DTLS server started for each session on 127.0.0.1, '{port}'\nreplaced by its port (for servers that serve one connection at a time)",
    group: 'peer',
  },
  {
    name: 'replay',
    type: 'string',
    value: 'FILE.json',
    help: "instead of a peer, learn a saved report's model, replayed in process\n(checks the learner and the outputs offline)",
    group: 'peer',
  },
  { name: 'dtls1_2', type: 'boolean', help: 'learn DTLS 1.2 (also -dtls1_2)', group: 'peer' },
  { name: 'dtls1_3', type: 'boolean', help: 'learn DTLS 1.3 (also -dtls1_3; the default)', group: 'peer' },
  {
    name: 'ca',
    type: 'string',
    value: 'FILE',
    help: "PEM trust anchors for the peer's certificate",
    group: 'credentials',
  },
  {
    name: 'cert',
    type: 'string',
    value: 'FILE',
    help: 'PEM certificate chain we present (with --key)',
    group: 'credentials',
  },
  { name: 'key', type: 'string', value: 'FILE', help: 'PEM private key of --cert', group: 'credentials' },
  {
    name: 'psk',
    type: 'string',
    value: 'HEX',
    help: 'an external PSK, at least 16 bytes in hex',
    group: 'credentials',
  },
  {
    name: 'psk-identity',
    type: 'string',
    value: 'ID',
    help: "the PSK's identity (default Client_identity, as OpenSSL)",
    group: 'credentials',
  },
  {
    name: 'inputs',
    type: 'string',
    value: 'A,B,...',
    help: "learn with only these inputs of the mapper's alphabet (comma-separated;\nthe reference too): smaller, faster models",
    group: 'learning',
  },
  { name: 'parallel', type: 'string', value: 'N', help: 'sessions at once (default 4)', group: 'learning' },
  {
    name: 'start',
    type: 'string',
    value: 'FILE.json',
    help: "start from a saved report's model: its words for 0 extra states are\nasked first (it only chooses words; the peer's answers make the model)",
    group: 'learning',
  },
  { name: 'seed', type: 'string', value: 'N', help: "the equivalence oracle's seed (default 1)", group: 'learning' },
  {
    name: 'budget',
    type: 'string',
    value: 'N',
    help: 'random Wp tests per hypothesis (default 1000)',
    group: 'learning',
  },
  {
    name: 'extra-states',
    type: 'string',
    value: 'K',
    help: "the conformance test's bound: no counterexample up to K extra states\n(default 1; 'none': not run)",
    group: 'learning',
  },
  {
    name: 'edits',
    type: 'string',
    value: 'D',
    help: "also test every word within D edits of a normal handshake, each followed\nby the words identifying the state it reaches (default 1; 'none': not run)",
    group: 'learning',
  },
  {
    name: 'max-queries',
    type: 'string',
    value: 'N',
    help: 'stop after N sessions with the newest hypothesis',
    group: 'learning',
  },
  {
    name: 'max-flipping',
    type: 'string',
    value: 'N',
    help: "stop once the peer's answers to the same inputs keep flipping at more than\nN places: it does not converge (default 3; 'none': never)",
    group: 'learning',
  },
  {
    name: 'max-time',
    type: 'string',
    value: 'S',
    help: 'stop after S seconds with the newest hypothesis and the bounds it passed',
    group: 'learning',
  },
  {
    name: 'wait',
    type: 'string',
    value: 'MS',
    help: "how long to wait for the peer's answer to one input",
    group: 'learning',
  },
  {
    name: 'peer-retransmissions',
    type: 'string',
    value: 'show|hide',
    help: "DTLS 1.2: what a flight the peer sends again shows. Its messages, read\nbefore, never; 'show' (the default): its ChangeCipherSpec; 'hide': nothing,\nfor a peer that repeats its flight on a timer (the model is the peer's\nwithout its retransmissions; counted in the report)",
    group: 'learning',
  },
  {
    name: 'out',
    type: 'string',
    value: 'FILE.json',
    help: 'write the JSON report (figures, findings, the model)',
    group: 'output',
  },
  { name: 'dot', type: 'string', value: 'FILE', help: 'write the model as Graphviz DOT', group: 'output' },
  {
    name: 'reference',
    type: 'string',
    value: 'FILE.json|self',
    help: "a report to diff the model against; 'self': learn dtls13's own\npeer of that version and role first, live, with the same alphabet",
    group: 'output',
  },
  {
    name: 'inspect',
    type: 'string',
    value: '[=PORT]',
    help: 'serve the learned model beside our chart on localhost:PORT\n(default 8080) until Ctrl-C',
    group: 'output',
  },
  { name: 'quiet', type: 'boolean', help: 'print only the summary line', group: 'output' },
];

export const LEARN_ABOUT = `Learns the peer's state machine as a Mealy machine (L#, parallel sessions, a seeded
randomized Wp equivalence oracle), prints its size, cost, nondeterminism and the bug
patterns it shows, and writes it as JSON and DOT. Progress on stderr per batch of queries.
Exit status: 0 learned, 1 a bug pattern was found (confirmed), 2 a usage error,
3 an internal error, 130 SIGINT, 143 SIGTERM; on 3, 130 and 143 the newest hypothesis
is written to --out and --dot (complete: false, 'stopped' says why).`;
