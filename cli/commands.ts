/**
 * The commands of `dtls13`: name, one-line summary, `--help` text, and the
 * module that runs it, imported only when the command runs (so `--help` and
 * `--version` load none of the library, the generator or the hardware model).
 */
import { CLIENT_ABOUT, CLIENT_OPTIONS, SERVER_ABOUT, SERVER_OPTIONS } from './net-options.js';
import { LEARN_ABOUT, LEARN_OPTIONS } from './learn-options.js';
import { helpText } from './option-table.js';
import { GENERATOR_PACKAGES, needing } from './optional-packages.js';

export type CommandRunner = (argv: readonly string[]) => Promise<number>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: () => string;
  readonly load: () => Promise<CommandRunner>;
}

const SIMULATE_HELP = `usage: dtls13 simulate [--connections N] [--duration T] [--suite S] [--loss P] [--latency T]
         [--bandwidth B] [--hw-accel] [--vcd FILE] [--json FILE] [--seed N] [--profile FILE|ENGINE]
         [--records N] [--payload BYTES] [--rate PER_SECOND] [--platform offload|software] [--quiet]
         [--set MODULE.PARAM=VALUE]... [--sweep MODULE.PARAM=V1,V2,...] [--replications N]
         [--warmup T] [--csv FILE] [--plot FILE.svg] [--trace FILE.json] [--trace-out FILE]
       dtls13 simulate --calibrate [--profile-out FILE] [--out FILE] [--calibrate-handshakes N]

Runs N DTLS 1.3 clients (default 100) against the spec/hw offload device in simulated
time (the real protocol, modelled timing); prints handshake latency, goodput,
per-module utilization and the bottleneck. T like 10ms or 50us; B like 1Gbps or 10e9
(bit/s); S an IANA name or aes128gcm, aes256gcm, chacha20, aes128ccm, aes128ccm8 (as
--cipher takes them); P in 0..1; --vcd writes module activity for GTKWave (one wire
per lane, and a .gtkw save file beside it), --json the report.

--set changes one spec/hw parameter for this run, by its spec name and unit
(crypto_engine.lanes=4, crypto_engine.clock_period=2ns), no regeneration; repeatable.
--sweep runs once per value of one parameter, --replications N runs every point with
seeds seed, seed+1, ... and prints 95% intervals; --warmup T starts the statistics
after T; --csv and --plot write the sweep as CSV and as an SVG chart (goodput and
latency, the bottleneck marked); --trace writes Chrome trace-event JSON (Perfetto);
--trace-out the engine trace (every crypto command and memory access, with its finish
time) that replays through the model and the generated SystemC engine.
--profile ENGINE (a name: default, iot, line-rate-10g) runs on a crypto engine of
spec/hw/engines: its sourced cycle table and parameters, the accelerator on.
On a terminal a progress line shows simulated time, elapsed time, rate and ETA.

--calibrate measures this machine's crypto and handshake costs into a timing profile
(default ./dtls13-profile.json), prints the figures and the model-vs-measured
validation; --out writes them as JSON.

Needs the package yaml, which 'npm install dtls13' does not install (an optional peer
dependency): npm install yaml. A clone has it.
`;

const DISSECT_HELP = `usage: dtls13 dissect FILE.pcap|FILE.pcapng [--keylog FILE] [--port N] [--data] [--json]

Reads a capture (tcpdump or tshark; pcap or pcapng; Ethernet, Linux cooked v1/v2,
BSD loopback or raw IP), finds the DTLS datagrams on UDP, and prints every record:
time, addresses, epoch, record number, content type, length, and each handshake
message with its decoded fields. With --keylog (NSS key log, as --keylog and
SSLKEYLOGFILE write it) the protected records are decrypted: record numbers
unmasked, handshake messages, alerts, ACKs and KeyUpdates shown; application data
as its length. Without it, headers and the plaintext records are still shown.
DTLS 1.2 conversations (RFC 6347; RFC 9146 tls12_cid records) are told apart by
their ServerHello and decrypted with CLIENT_RANDOM lines (the master secret, as
openssl -keylogfile writes it).

options:
  --keylog FILE                 NSS key log with the traffic secrets of the connections
  --port N                      only UDP datagrams from or to port N (default: every
                                datagram that parses as DTLS)
  --data                        show decrypted application data (as text, or hex)
  --json                        one JSON object per record, one per line, for scripts
  -h, --help                    this text
`;

const SIZE_HELP_TEXT = `usage: dtls13 size --gbps G --handshakes H [--record-size B] [--group G] [--suite S]
                  [--profile asic|fpga] [--minimize area|power] [--connections N] [--records N]
                  [--replications N] [--seed N] [--max-candidates N] [--clock-steps N]
                  [--set module.param=value]... [--json FILE] [--quiet]

Finds the smallest configuration of the offload engine (symmetric lanes, public-key
lanes, DMA channels, record pipeline depth, clock) that carries G Gbit/s of B-byte records
(default 1200) and H new connections a second on group G (P-256, P-384, X25519;
default P-256) with suite S (default TLS_AES_128_GCM_SHA256), on the profile's
cycle tables, power and area (spec/hw/engines/asic.yaml, the default, or fpga.yaml).

The search is bounded: it starts at the analytic lower bounds (each resource 100%
busy at the targets), simulates N connections (default 400) opened at H a second,
each sending N records (default 400), in replications (default 3), and adds to the
resource the report names as the bottleneck, one step at a time, until the targets
are met (goodput in the steady window, the handshake rate kept up with, nothing
dropped), a resource outside the space limits the run, or --max-candidates
(default 12 at each clock) runs out. It does so at --clock-steps clocks (default 3)
over the profile's cited clock range, evenly spaced in frequency, the smallest
bounds first, and skips a clock whose bounds take more area than an answer found;
of equal areas the slower clock wins. Power is the units' dynamic power in the
steady window plus their leakage (static_power in the profile). --minimize power
also tries two steps past the first configuration that meets them and keeps the
lowest power. Exit status 1 when no
configuration in the space meets the targets. --set holds a device parameter outside
the space for every candidate (memory.bandwidth=400Gbps, say; the space's own knobs
are the search's; crypto_engine.clock_period pins the clock). docs/hwmodel-sizing.md explains it.
`;

const GENERATE_HELP = `usage: dtls13 generate [--check] [--root DIR] [--quiet]

Regenerates generated/ from spec/ and prints a summary of the spec. --check changes
nothing and exits 1 listing stale files. DIR is the project (default: this package's
own sources); generate refuses a DIR inside node_modules. Needs the generator's
packages (ts-morph, kaitai-struct-compiler, handlebars, yaml, @viz-js/viz): they are development
dependencies of dtls13, installed in a clone by 'npm install'.
`;

const DEMO_HELP = `usage: dtls13 demo [--inspect[=PORT]]

The main job: a throwaway CA and certificate, a DTLS 1.3 server and client on
loopback; prints the negotiated parameters, the chart paths taken, the handshake
time and a message round trip. --inspect serves the chart inspector on
localhost:PORT (default 8080) and keeps serving it until Ctrl-C.
`;

export const COMMANDS: readonly Command[] = [
  {
    name: 'demo',
    summary: 'a server and a client on loopback: parameters, chart paths, timing',
    help: () => DEMO_HELP,
    load: async () => (await import('./demo-command.js')).runDemo,
  },
  {
    name: 'client',
    summary: 'an interactive DTLS 1.3 client (like openssl s_client)',
    help: () => helpText('dtls13 client --connect HOST:PORT --ca FILE [options]', CLIENT_ABOUT, CLIENT_OPTIONS),
    load: async () => (await import('./client-command.js')).runClient,
  },
  {
    name: 'server',
    summary: 'a DTLS 1.3 server (like openssl s_server)',
    help: () => helpText('dtls13 server --listen HOST:PORT --cert FILE --key FILE [options]', SERVER_ABOUT, SERVER_OPTIONS),
    load: async () => (await import('./server-command.js')).runServer,
  },
  {
    name: 'dissect',
    summary: 'decode the DTLS 1.3 records of a pcap/pcapng capture',
    help: () => DISSECT_HELP,
    load: async () => (await import('./dissect-command.js')).runDissect,
  },
  {
    name: 'simulate',
    summary: 'DTLS 1.3 clients against the spec/hw device in simulated time',
    help: () => SIMULATE_HELP,
    // The hardware model reads spec/hw's YAML (engine tables, the engine trace): yaml is an optional peer dependency.
    load: async () => (await needing(['yaml'], () => import('./simulate-command.js'))).runSimulate,
  },
  {
    name: 'size',
    summary: 'the smallest offload engine (area or power) meeting a data and handshake rate',
    help: () => SIZE_HELP_TEXT,
    load: async () => (await needing(['yaml'], () => import('./size-command.js'))).runSize,
  },
  {
    name: 'learn',
    summary: "learn a DTLS peer's state machine (L#, parallel queries) and check it for known bugs",
    help: () =>
      helpText(
        "dtls13 learn (--connect HOST:PORT | --listen HOST:PORT --client-command 'CMD {port}') [-dtls1_2|-dtls1_3] [options]",
        LEARN_ABOUT,
        LEARN_OPTIONS,
      ),
    load: async () => (await import('./learn-command.js')).runLearn,
  },
  {
    name: 'generate',
    summary: 'regenerate generated/ from spec/ (development)',
    help: () => GENERATE_HELP,
    load: async () => (await needing(GENERATOR_PACKAGES, () => import('./generate-command.js'))).runGenerate,
  },
];

export function overview(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `dtls13 ${version}: DTLS 1.3 (RFC 9147) toolkit

usage: dtls13 COMMAND [options]      dtls13 COMMAND --help      dtls13 --version

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}
`;
}
