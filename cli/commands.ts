/**
 * The commands of `dtls13`: name, one-line summary, `--help` text, and the
 * module that runs it, imported only when the command runs (so `--help` and
 * `--version` load none of the library, the generator or the hardware model).
 */
import { CLIENT_ABOUT, CLIENT_OPTIONS, SERVER_ABOUT, SERVER_OPTIONS } from './net-options.js';
import { LEARN_ABOUT, LEARN_OPTIONS } from './learn-options.js';
import { helpText } from './option-table.js';
import { GENERATOR_PACKAGES, needing, needingInstalled } from './optional-packages.js';

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
         [--warmup T] [--csv FILE] [--plot FILE.svg] [--trace FILE.json] [--trace-out FILE] [--grow N]
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
--grow N proves the bottleneck by growing up to N suspects (default 6; 0: the rule
only), each in a run of its own on the same seed and traffic: the one whose growth
moved throughput, drops or the median completion most (5% or more, none 5% worse) is named; none
moved: the offered load sets the rate. Each suspect costs one more run.
--profile ENGINE (a name: default, iot, line-rate-10g) runs on a crypto engine of
spec/hw/engines: its sourced cycle table and parameters, the accelerator on.
On a terminal a progress line shows simulated time, elapsed time, rate and ETA.

--calibrate measures this machine's crypto and handshake costs into a timing profile
(default ./dtls13-profile.json), prints the figures and the model-vs-measured
validation; --out writes them as JSON.

Needs the package yaml, which 'npm install dtls13' does not install (an optional peer
dependency): npm install yaml. A clone has it.
`;

const DISSECT_HELP = `usage: dtls13 dissect FILE.pcap|FILE.pcapng [--keylog FILE] [--port N] [--data] [--json | --ladder]
                      [--ladder-svg FILE]

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
  --ladder                      a ladder of each conversation instead: client and server as two
                                columns, one arrow a datagram with its time and what its records
                                carry; a pause over 1 s is one line saying how long it was
  --ladder-svg FILE             write the ladder as an SVG picture to FILE (besides what is printed)
  -h, --help                    this text
`;

const SIZE_HELP_TEXT = `usage: dtls13 size --gbps G --handshakes H [--mix imix|B|B:W,...] [--record-size B]
                  [--open-gbps G] [--seal-gbps G] [--train N] [--link-gbps G] [--burst F:US]
                  [--sessions N] [--active-sessions N] [--zipf S] [--handshake full|psk-dhe|psk]
                  [--key-updates R] [--forged-gbps G] [--replays S]
                  [--slo-drop P] [--slo-p99 US] [--slo-p999 US] [--slo-burst-drop P] [--margin 20%]
                  [--group G] [--suite S] [--profile asic|fpga] [--clock MHZ] [--replications N]
                  [--seed N] [--window US] [--max-window US] [--bursts N] [--warmup US] [--max-steps N]
                  [--no-sensitivity] [--json FILE] [--csv FILE] [--plot DIR] [--quiet]
                  [--run-cache DIR] [--jobs N]
       dtls13 size --gbps G --handshakes H --connections N --records N [...]   (protocol-level)

The workload search (the default): the smallest device by area whose SLOs hold under
open-loop traffic of G Gbit/s each way (records opened from the network and sealed toward
it; --open-gbps and --seal-gbps apart), a record-size mix (default imix: 64:7,576:4,1500:1
by count), in trains of N records at the link rate (default 1: Poisson), an optional burst
(rates × F for US µs after the steady window, held to drops ≤ 1e-3 apart unless
--slo-burst-drop says otherwise, or none), H handshakes a second independent of the data,
and N sessions (default 1000; --active-sessions of them sending, uniform or Zipf S) over the
key slots, a miss fetched from DRAM. Protocol events (default none): R key updates a second
a session (a lane's KDF work, a key-slot install), G Gbit/s of forged records (each fully
decrypted, then dropped: a background rate or a flood) and replays at S × the opened records'
rate (each through the replay check), counted apart from the SLOs' drops. A link offered more
than its rate on the wire is outside the device. SLOs (defaults: drops ≤ 1e-6, record latency p99 to the wire ≤ 10 µs, the
handshake rate) are accepted at the conservative end of their 95% bounds (drops: per
episode, drops under 100 µs apart being one: Clopper-Pearson on the episodes in every seed's
records × the largest episode, an unseen one as large as the largest any configuration that
passed the screen showed in the search, else 1), at the load × (1 + margin) (default 20%), on
runs long enough to resolve them (about 3 × episode / SLO records over --replications seeds, default
3; the window per seed at most --max-window, default 1 s, up to 60 s; with a burst held, at
least --bursts seeds, a burst each, default 29, up to 100; --window sets the search's
shorter screening runs). While an SLO fails, every knob (lanes, public-key lanes, DMA
channels, pipeline slots, RX and TX rings, key slots, memory channels) is grown one step
and the one that moved the limiting metric most is grown; once met, knobs are trimmed
while the SLOs hold. The clock is an input (--clock, default the engine's), not searched. Prints the SLO tables, the cost (lower bound, each figure's basis), the
sensitivity table and the caveats; --json and --csv write them. --plot DIR writes the search
(search.csv: each configuration run, its area, met or not, the answer marked) and the
sensitivity table (sensitivity.csv), each with an SVG plot drawn from it beside it.
A configuration's seeds run on --jobs N worker threads (default: the cores; the output is the
same for any N). --run-cache DIR keeps every run in DIR under a hash of the model's code and
all its inputs: a search stopped and started again replays the runs it made and reaches the
same answer (an entry that does not read back whole is said on stderr and run again).

With --connections, --records, --clock-steps or --max-candidates: the protocol-level search, real DTLS connections at link
rate (the earlier model: [--minimize area|power] [--max-candidates N] [--clock-steps N]
[--set module.param=value]...). docs/hwmodel-sizing.md explains both.
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
    help: () =>
      helpText('dtls13 server --listen HOST:PORT --cert FILE --key FILE [options]', SERVER_ABOUT, SERVER_OPTIONS),
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
    // The platform's DRAM model comes generated (generated/tlm/platforms.ts): a plain run needs no YAML parser. An engine
    // profile (--profile NAME) is a spec/hw/engines YAML file: simulate-engine.ts looks for yaml before it reads one.
    load: async () => (await import('./simulate-command.js')).runSimulate,
  },
  {
    name: 'size',
    summary: 'the smallest offload engine (area or power) meeting a data and handshake rate',
    help: () => SIZE_HELP_TEXT,
    // Every size search reads engine files (spec/hw/engines), which only yaml parses: looked for before the search starts.
    load: async () => (await needingInstalled(['yaml'], () => import('./size-command.js'))).runSize,
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
