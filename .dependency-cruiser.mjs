// The layers of dtls13 (docs/architecture.md) as dependency-cruiser rules: `npm run lint` runs
// `depcruise runtime cli generator hwmodel` with this file and fails on any rule broken.
//
// Type-only imports (`import type`) count like any other: `tsPreCompilationDeps` keeps them in the
// graph, so a circle or a layer break made only of types fails too. Dynamic `import()` counts as well.

/**
 * The folders of runtime/, lowest first. A folder imports only folders listed before it (and itself,
 * the root files runtime/config-error.ts and runtime/chart-inspection.ts, generated/, node:). So no
 * two folders import each other, and no longer circle of folders exists either.
 */
const RUNTIME_LAYERS = [
  'wire', // bytes, Reader/Writer, the DER reader, datagram and record framing
  'crypto', // providers (node:crypto, native, noble) behind one interface; cipher suites of 1.3
  'versions', // the version names and range, the 1.2 suite table: what both versions read
  'keyschedule', // RFC 8446 §7.1 secrets, transcript
  'machine', // what runs a generated chart's steps: step tables, the inspected XState copy
  'handshake', // flights and retransmission, fragments, negotiation, cookies, protocol and callback errors
  'pki', // certificates: parsing, path validation, identity
  'record', // the record layer: protection, epochs, replay window
  'session', // tickets, PSKs, anti-replay, ALPN
  'cid', // connection IDs and path validation (RFC 9146, 9147 §9, 9853)
  'shared', // what both version states share: surface, events, facts, record rules, configuration, the state base
  'dtls13', // the DTLS 1.3 version state
  'dtls12', // the DTLS 1.2 version state
  'connection', // the one DtlsConnection over both versions' states: version negotiation, the listener's cookie exchange
  'node', // UDP: sockets, the demux, timers, resting sessions, admission
  'api', // the node:dtls-shaped API: listen, connect, DtlsSession, DtlsListener, workers
];

const layerRules = RUNTIME_LAYERS.slice(0, -1).map((folder, i) => ({
  name: `runtime-layer-${folder}`,
  comment: `runtime/${folder}/ imports only the runtime folders below it (${RUNTIME_LAYERS.slice(0, i).join(', ') || 'none'}): docs/architecture.md`,
  severity: 'error',
  from: { path: `^runtime/${folder}/` },
  to: { path: `^runtime/(${RUNTIME_LAYERS.slice(i + 1).join('|')})/` },
}));

/** What the generated codecs are built on: runtime/wire's primitives, which import nothing generated. */
const WIRE_PRIMITIVES = '^runtime/wire/(index|reader|writer|bytes|errors|scratch)\\.ts$';

/** The generator's packages (optional peer dependencies): the library must not load them. */
const GENERATOR_PACKAGES = 'node_modules/(ts-morph|handlebars|kaitai-struct-compiler|yaml|@viz-js/viz)/';

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        "No import circle among the handwritten files. The one allowed: the hwmodel kernel's event, process and wait (hwmodel/kernel/event.ts, process.ts, wait.ts), the circle SystemC itself has: an sc_event holds the processes it triggers, and a process suspends by wait() on events.",
      severity: 'error',
      from: { path: '^(runtime|cli|generator|hwmodel|generated)/' },
      to: { circular: true, via: { pathNot: '^hwmodel/kernel/(event|process|wait)\\.ts$' } },
    },
    ...layerRules,
    {
      name: 'runtime-versions-apart',
      comment:
        'runtime/dtls12/ does not import runtime/dtls13/ (nor the reverse, by the layer order): what both versions use is in runtime/shared/',
      severity: 'error',
      from: { path: '^runtime/dtls12/' },
      to: { path: '^runtime/dtls13/' },
    },
    {
      name: 'runtime-imports-nothing-above',
      comment:
        'runtime/ is the library: it imports none of the command, the generator, the hardware model, the benches, the tests or the scripts',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: '^(cli|generator|hwmodel|bench|tests|scripts)/' },
    },
    {
      name: 'runtime-root-files-are-leaves',
      comment:
        'runtime/config-error.ts, chart-inspection.ts and load-bundle.ts sit below every runtime folder; only the entries (runtime/index.ts, sans-io.ts, wire.ts, crypto.ts, workers.ts: package.json "exports") sit above',
      severity: 'error',
      from: { path: '^runtime/[^/]+\\.ts$', pathNot: '^runtime/(index|sans-io|wire|crypto|workers)\\.ts$' },
      to: { path: '^runtime/[^/]+/' },
    },
    {
      name: 'library-entry-without-generator-packages',
      comment:
        "import('dtls13') loads none of the generator's packages (tests/cli/module-graph.test.ts checks what it loads at run time)",
      severity: 'error',
      from: { path: '^runtime/(index|sans-io|wire|crypto|workers)\\.ts$' },
      to: { path: GENERATOR_PACKAGES, reachable: true },
    },
    {
      name: 'runtime-without-generator-packages',
      comment: 'no runtime/ file imports a package of the generator',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: GENERATOR_PACKAGES },
    },
    {
      name: 'generated-codecs-on-wire-primitives',
      comment:
        "generated/wire/ (the codecs) imports only runtime/wire's primitives (Reader, Writer, bytes, errors, scratch)",
      severity: 'error',
      from: { path: '^generated/wire/' },
      to: { path: '^runtime/', pathNot: WIRE_PRIMITIVES },
    },
    {
      name: 'wire-primitives-below-codecs',
      comment:
        "runtime/wire's primitives import nothing generated (the record framing in runtime/wire reads the generated headers: it sits above them)",
      severity: 'error',
      from: { path: WIRE_PRIMITIVES },
      to: { path: '^generated/' },
    },
    {
      name: 'generated-charts-bind-only-steps',
      comment:
        "generated/charts/: a chart's <id>-transitions.ts imports the step and state modules it binds (named in the chart generator); the other chart files import no runtime/ file",
      severity: 'error',
      from: { path: '^generated/charts/' },
      to: {
        path: '^runtime/',
        pathNot:
          '^runtime/(dtls13/(client|server)-(handshake|states)|dtls12/(client|server)|handshake/flight-steps)\\.ts$',
      },
    },
    {
      name: 'generated-charts-steps-only-from-transitions',
      comment: "only a chart's <id>-transitions.ts imports its runtime steps",
      severity: 'error',
      from: { path: '^generated/charts/', pathNot: '-transitions\\.ts$' },
      to: { path: '^runtime/' },
    },
    {
      name: 'generated-imports-nothing-above',
      comment:
        "generated/ imports none of the command, the generator, the benches or the tests (generated/tlm is the hardware model's, and imports hwmodel/)",
      severity: 'error',
      from: { path: '^generated/' },
      to: { path: '^(cli|generator|bench|tests|scripts)/' },
    },
    {
      name: 'generated-wire-and-charts-not-on-hwmodel',
      comment: 'only generated/tlm imports the hardware model',
      severity: 'error',
      from: { path: '^generated/(wire|charts)/' },
      to: { path: '^hwmodel/' },
    },
    {
      name: 'generator-below-cli',
      comment: 'the generator imports neither the command, the runtime library nor the tests',
      severity: 'error',
      from: { path: '^generator/' },
      to: { path: '^(cli|runtime|tests|bench)/' },
    },
    {
      name: 'hwmodel-below-cli',
      comment: 'the hardware model runs the runtime; it imports neither the command, the generator nor the tests',
      severity: 'error',
      from: { path: '^hwmodel/' },
      to: { path: '^(cli|generator|tests|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|generated/oracle)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
