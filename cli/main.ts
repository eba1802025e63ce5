#!/usr/bin/env node
/**
 * The `dtls13` command line. Subcommands live in their own modules; this file
 * only dispatches and turns errors into one-line messages and exit codes.
 */
import { runGenerate } from './generate-command.js';
import { runDemo } from './demo-command.js';
import { runClient, runServer } from './net-commands.js';
import { runSimulate } from './simulate-command.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: dtls13 <command> [options]

commands:
  demo [--inspect[=PORT]]           the main job: a throwaway CA and certificate, a DTLS 1.3 server and
                                    client on loopback; prints the negotiated parameters, the chart
                                    paths taken, the handshake time and a message round trip
  generate [--check] [--root DIR]   regenerate generated/ from spec/ and print a summary of the spec;
                                    --check changes nothing and exits 1 listing stale files
  server --listen HOST:PORT --cert FILE --key FILE [--ca FILE [--verify-client]] [--echo]
         [--cipher LIST] [--group LIST] [--keylog FILE] [--inspect[=PORT]]
                                    serve DTLS 1.3 until interrupted; print each message and answer
                                    a fixed line, or with --echo send every message back;
                                    --keylog appends NSS key log lines (SSLKEYLOGFILE format)
  client --connect HOST:PORT --ca FILE [--cert FILE --key FILE] [--servername NAME] [--no-verify-name]
         [--cipher LIST] [--group LIST] [--message TEXT] [--timeout MS] [--keylog FILE]
         [--inspect[=PORT]]
                                    handshake, send the message (or each line of stdin), print every
                                    reply, close with close_notify; exit 1 with the reason on failure
  simulate [--connections N] [--duration T] [--suite S] [--loss P] [--latency T] [--bandwidth B]
           [--hw-accel] [--vcd FILE] [--json FILE] [--seed N] [--profile FILE] [--records N]
           [--payload BYTES] [--rate PER_SECOND] [--platform offload|software] [--quiet]
                                    run N DTLS 1.3 clients (default 100) against the spec/hw offload
                                    device in simulated time (the real protocol, modelled timing);
                                    print handshake latency, goodput, per-module utilization and the
                                    bottleneck. T like 10ms or 50us; B like 1Gbps or 10e9 (bit/s);
                                    S an IANA name or aes128gcm, aes256gcm, chacha20; P in 0..1;
                                    --vcd writes module activity for GTKWave, --json the report
  simulate --calibrate [--profile-out FILE] [--out FILE] [--calibrate-handshakes N]
                                    measure this machine's crypto and handshake costs into a timing
                                    profile (default ./dtls13-profile.json), print the figures and
                                    the model-vs-measured validation; --out writes them as JSON
  --inspect[=PORT] (demo, server, client) serves the Stately inspector bridge on localhost:PORT
                                    (default 8080) and streams the handshake charts to it; demo and
                                    client then keep serving it until Ctrl-C
  help                              this text`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate':
      return runGenerate(rest);
    case 'demo':
      return runDemo(rest);
    case 'server':
      return runServer(rest);
    case 'client':
      return runClient(rest);
    case 'simulate':
      return runSimulate(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new CliUsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`dtls13: ${err.message}\n`);
    if (err instanceof CliUsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = err instanceof CliUsageError ? 2 : 1;
  },
);
