/**
 * The option tables of `dtls13 client` and `dtls13 server`. Options both
 * take are in TLS_OPTIONS and TRACE_OPTIONS; a new option is one more row
 * here (its handling goes in client-command.ts / server-command.ts). This
 * module imports nothing heavy: `COMMAND --help` is printed from it alone.
 */
import type { OptionTable } from './option-table.js';

/**
 * With --replies N owed at the end of input, and neither --timeout nor --idle-timeout given: the server's silence that
 * ends the client's wait (exit 1). A server that stopped answering would otherwise hold the client until its own idle
 * close.
 */
export const REPLY_SILENCE_MS = 10_000;

/** Suite and group names, as every command accepts them (IANA names or the short ones). */
export const SUITE_HELP =
  'cipher suites by IANA name (tls_aes_128_gcm_sha256, ...) or short name\n(aes128gcm, aes256gcm, chacha20, aes128ccm, aes128ccm8), comma-separated; DTLS 1.2 suites\nby OpenSSL name (ECDHE-ECDSA-AES128-GCM-SHA256, ...) or IANA name';
export const GROUP_HELP =
  'key exchange groups (x25519, x448, secp256r1, secp384r1, secp521r1, x25519mlkem768), comma-separated';

/** The protocol versions (cli/version-options.ts reads them). */
const VERSION_OPTIONS: OptionTable = [
  {
    name: 'min-version',
    type: 'string',
    value: 'V',
    help: "the oldest protocol version to negotiate: 1.2 or 1.3 (also DTLSv1.2, DTLSv1.3;\ndefault 1.2); node:tls's minVersion",
    group: 'TLS',
  },
  {
    name: 'max-version',
    type: 'string',
    value: 'V',
    help: "the newest protocol version to negotiate: 1.2 or 1.3 (default 1.3); node:tls's maxVersion",
    group: 'TLS',
  },
  {
    name: 'dtls1_2',
    type: 'boolean',
    help: 'DTLS 1.2 only, as openssl -dtls1_2 (also written -dtls1_2): --min-version 1.2 --max-version 1.2',
    group: 'TLS',
  },
  {
    name: 'dtls1_3',
    type: 'boolean',
    help: "DTLS 1.3 only (also -dtls1_3; Debian's openssl 3.0 has no DTLS 1.3): --min-version 1.3\n--max-version 1.3. Default: both, the newest the peer has (openssl's -dtls, taken and\nchanging nothing)",
    group: 'TLS',
  },
];

const TLS_OPTIONS: OptionTable = [
  ...VERSION_OPTIONS,
  { name: 'cipher', type: 'string', value: 'LIST', help: SUITE_HELP, group: 'TLS' },
  { name: 'group', type: 'string', value: 'LIST', help: GROUP_HELP, group: 'TLS' },
  {
    name: 'keylog',
    type: 'string',
    value: 'FILE',
    help: 'append NSS key log lines (SSLKEYLOGFILE format); a new file is created mode 0600',
    group: 'TLS',
  },
  {
    name: 'alpn',
    type: 'string',
    value: 'LIST',
    help: 'application protocols (RFC 7301), comma-separated: a client offers them, a server\npicks the first of its own the client offered (none in common: no_application_protocol)',
    group: 'TLS',
  },
  {
    name: 'srtp',
    type: 'string',
    value: 'LIST',
    help: 'SRTP protection profiles for use_srtp (RFC 5764), preferred first: SRTP_AES128_CM_SHA1_80,\nSRTP_AES128_CM_SHA1_32, SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM',
    group: 'TLS',
  },
  {
    name: 'record-size-limit',
    type: 'string',
    value: 'N',
    help: 'the largest record plaintext we take (RFC 8449; 64..16385)',
    group: 'TLS',
  },
  {
    name: 'profile',
    type: 'string',
    value: 'NAME',
    help: "rfc7925: also speak what RFC 7925 IoT devices do (the CCM_8 suites, a plain PSK; listen's and connect's profile option)",
    group: 'TLS',
  },
  {
    name: 'raw-public-key',
    type: 'boolean',
    help: "raw public keys (RFC 7250): send --key's public key instead of a certificate, and take\nthe peer's, checked against --peer-key (listen's and connect's rawPublicKey)",
    group: 'TLS',
  },
  {
    name: 'peer-key',
    type: 'string',
    value: 'FILE',
    help: "PEM PUBLIC KEY(s) the peer's raw public key must be one of (peerPublicKey)",
    group: 'TLS',
  },
  {
    name: 'fingerprint',
    type: 'string',
    value: 'LIST',
    help: "accept the peer's certificate when it hashes to one of these ('sha-256 AB:CD:...',\nSDP's form; comma-separated), in place of --ca and the name (WebRTC, RFC 8122 §5);\na server asks every client for one and requires it",
    group: 'TLS',
  },
  {
    name: 'extended-master-secret',
    type: 'string',
    value: 'MODE',
    help: "DTLS 1.2 (RFC 7627): required (default) refuses a peer without extended_master_secret;\npreferred offers it and goes on without it (Erlang/OTP 25's DTLS, werift's default client)",
    group: 'TLS',
  },
  {
    name: 'mtu',
    type: 'string',
    value: 'BYTES',
    help: 'the largest datagram sent (default 1200; 256..65507); flights are fragmented to it',
    group: 'TLS',
  },
  {
    name: 'retransmit-timeout',
    type: 'string',
    value: 'MS',
    help: 'the first wait before a handshake flight is sent again (default 1000; 1..600000);\nit doubles at each retransmission, up to 60000 or MS if longer',
    group: 'TLS',
  },
];

const PSK_OPTIONS: OptionTable = [
  {
    name: 'psk',
    type: 'string',
    value: 'HEX',
    help: 'an external PSK (RFC 8446 §4.2.11), at least 16 bytes in hex',
    group: 'sessions',
  },
  {
    name: 'psk-identity',
    type: 'string',
    value: 'ID',
    help: `the PSK's identity (default ${'Client_identity'}, as OpenSSL)`,
    group: 'sessions',
  },
  {
    name: 'allow-no-dhe-kex',
    type: 'boolean',
    help: 'also allow psk_ke: a PSK handshake without (EC)DHE (no forward secrecy)',
    group: 'sessions',
  },
];

/** Connection IDs and return routability (parsed by cid-options.ts). */
const CID_OPTIONS: OptionTable = [
  {
    name: 'cid',
    type: 'string',
    value: 'N',
    help: 'use connection IDs: ours N bytes (0..20; 0 asks the peer to send none);\nused when the peer offers them too (RFC 9146)',
    group: 'connection IDs',
  },
  {
    name: 'cid-spares',
    type: 'string',
    value: 'N',
    help: 'give the peer N spare CIDs after the handshake, for a new path (default 0)',
    group: 'connection IDs',
  },
  {
    name: 'rrc',
    type: 'string',
    value: 'MODE',
    help: "check a peer's new address before moving to it (RFC 9853): basic (default\nwith --cid), enhanced (ask the old address first) or off",
    group: 'connection IDs',
  },
];

const TRACE_OPTIONS: OptionTable = [
  {
    name: 'msg',
    type: 'boolean',
    help: 'print every record and handshake message sent and received\n(direction, epoch, record number, type, length) on stderr',
    group: 'diagnostics',
  },
  {
    name: 'trace',
    type: 'boolean',
    help: 'like --msg, with the decoded fields of each handshake message',
    group: 'diagnostics',
  },
  {
    name: 'inspect',
    type: 'string',
    value: '[=PORT]',
    help: 'serve the chart inspector on localhost:PORT (default 8080) and stream\nthe handshake charts to it',
    group: 'diagnostics',
  },
  { name: 'help', short: 'h', type: 'boolean', help: 'this text', group: 'diagnostics' },
];

export const CLIENT_OPTIONS: OptionTable = [
  {
    name: 'connect',
    type: 'string',
    value: 'HOST:PORT',
    help: 'the server (HOST a name, an IPv4 address or [IPv6]); required',
    group: 'connection',
  },
  {
    name: 'ca',
    type: 'string',
    value: 'FILE',
    help: 'PEM trust anchors for the server certificate; required unless --psk, --raw-public-key\nor --fingerprint',
    group: 'connection',
  },
  {
    name: 'cert',
    type: 'string',
    value: 'FILE',
    help: 'PEM certificate chain for client authentication (with --key)',
    group: 'connection',
  },
  { name: 'key', type: 'string', value: 'FILE', help: 'PEM private key of --cert', group: 'connection' },
  {
    name: 'servername',
    type: 'string',
    value: 'NAME',
    help: 'the name the server certificate must match (default: the HOST)',
    group: 'connection',
  },
  {
    name: 'no-verify-name',
    type: 'boolean',
    help: 'do not check the server certificate against a name or address',
    group: 'connection',
  },
  {
    name: 'showcerts',
    type: 'boolean',
    help: "print the server's whole certificate chain in PEM, each with its subject and issuer\n(openssl s_client -showcerts)",
    group: 'connection',
  },
  ...TLS_OPTIONS,
  {
    name: 'message',
    type: 'string',
    value: 'TEXT',
    help: 'send TEXT as the whole input (instead of reading stdin)',
    group: 'input and output',
  },
  {
    name: 'replies',
    type: 'string',
    value: 'N',
    help: `at the end of input, wait until N lines have come from the server (counted from\nthe start, asked for or not; a message that ends without a newline ends a line)\nbefore closing; exit 1 when the server closes, --timeout passes, or (neither\n--timeout nor --idle-timeout given) the server is silent for ${REPLY_SILENCE_MS} ms first`,
    group: 'input and output',
  },
  {
    name: 'quiet',
    type: 'boolean',
    help: "no summary of the handshake on stderr ('connected:', 'peer certificate:', 'resumed:');\nfailures are still said (openssl's -quiet, which also keeps the connection at the\nend of input: this client still closes there, or waits with --replies)",
    group: 'input and output',
  },
  {
    name: 'timeout',
    type: 'string',
    value: 'MS',
    help: "give up when the whole exchange (handshake, lines, replies) takes longer;\nalso the handshake limit (default 10000 for the handshake, none after but\n--replies' wait)",
    group: 'input and output',
  },
  {
    name: 'idle-timeout',
    type: 'string',
    value: 'MS',
    help: 'close when nothing was sent or received for MS',
    group: 'input and output',
  },
  ...PSK_OPTIONS,
  {
    name: 'sess-out',
    type: 'string',
    value: 'FILE',
    help: "write the server's latest session ticket to FILE (mode 0600; it holds a key)",
    group: 'sessions',
  },
  {
    name: 'sess-in',
    type: 'string',
    value: 'FILE',
    help: 'resume the session in FILE (from --sess-out); prints resumed: yes|no',
    group: 'sessions',
  },
  {
    name: 'early-data',
    type: 'string',
    value: 'FILE',
    help: "send FILE's bytes as 0-RTT early data with --sess-in (if the ticket allows that\nmuch); prints early data: accepted|rejected|not sent, and resends rejected data",
    group: 'sessions',
  },
  {
    name: 'post-handshake-auth',
    type: 'boolean',
    help: 'let the server ask for our certificate after the handshake (RFC 8446 §4.6.2)',
    group: 'sessions',
  },
  ...CID_OPTIONS,
  ...TRACE_OPTIONS,
];

/** `dtls13 server --workers` as one host of a fleet (cli/fleet-options.ts reads them). */
const FLEET_OPTIONS: OptionTable = [
  {
    name: 'host-id',
    type: 'string',
    value: 'N',
    help: "with --workers: this host's number in a fleet (0..255), carried in every CID it issues",
    group: 'connection',
  },
  {
    name: 'ticket-key-file',
    type: 'string',
    value: 'FILE',
    help: 'with --workers: ticket keys, 64 hex digits per line (or raw 32-byte keys), the current first; re-read when it changes',
    group: 'sessions',
  },
  {
    name: 'fleet',
    type: 'string',
    value: 'ID=HOST:PORT,...',
    help: "with --workers: every fleet host's link address (worker i at PORT + i), this one's (--host-id) included; a CID record for another host goes there",
    group: 'connection',
  },
  {
    name: 'fleet-key-file',
    type: 'string',
    value: 'FILE',
    help: "with --fleet: the fleet's link key (64 hex digits), the same on every host",
    group: 'connection',
  },
];

export const SERVER_OPTIONS: OptionTable = [
  {
    name: 'listen',
    type: 'string',
    value: 'HOST:PORT',
    help: 'address to listen on ([::1]:4433; :4433 or 4433 alone for 127.0.0.1); required',
    group: 'connection',
  },
  {
    name: 'cert',
    type: 'string',
    value: 'FILE',
    help: 'PEM certificate chain; required unless --psk (a PSK-only server)',
    group: 'connection',
  },
  { name: 'key', type: 'string', value: 'FILE', help: 'PEM private key of --cert', group: 'connection' },
  {
    name: 'ca',
    type: 'string',
    value: 'FILE',
    help: 'PEM trust anchors: ask clients for a certificate (optional)',
    group: 'connection',
  },
  { name: 'verify-client', type: 'boolean', help: 'require a client certificate (needs --ca)', group: 'connection' },
  ...TLS_OPTIONS,
  {
    name: 'workers',
    type: 'string',
    help: 'serve on N event loops (worker threads; auto: one per core), each with its own SO_REUSEPORT socket on the port (docs/scale-out.md); no --inspect, stdin or Redis store with it',
    group: 'connection',
  },
  ...FLEET_OPTIONS,
  {
    name: 'echo',
    type: 'boolean',
    help: 'send every message back (default: print it and answer each of its lines with a\nfixed line)',
    group: 'input and output',
  },
  ...PSK_OPTIONS,
  {
    name: 'ticket-keys',
    type: 'string',
    value: 'FILE',
    help: "session ticket keys: FILE holds 32 × N raw bytes, the first key seals, all open\n(servers with the same file resume each other's sessions; default: random per process)",
    group: 'sessions',
  },
  {
    name: 'max-early-data',
    type: 'string',
    value: 'N',
    help: 'take up to N bytes of 0-RTT early data per resumed connection (default 0)',
    group: 'sessions',
  },
  {
    name: 'anti-replay',
    type: 'string',
    value: 'redis://HOST:PORT',
    help: 'record 0-RTT ClientHellos in Redis, shared by the servers that share --ticket-keys\n(default: this process only)',
    group: 'sessions',
  },
  {
    name: 'echo-legacy-session-id',
    type: 'boolean',
    help: "echo the ClientHello's legacy_session_id in ServerHello, which RFC 9147 §5 forbids:\nwolfSSL 5.7's clients need it to resume (listen's echoLegacySessionId)",
    group: 'sessions',
  },
  {
    name: 'request-cert-after',
    type: 'string',
    value: 'MS',
    help: 'ask each client for its certificate MS after its handshake (post-handshake\nauthentication; needs --ca, and clients that offer it)',
    group: 'sessions',
  },
  ...CID_OPTIONS,
  ...TRACE_OPTIONS,
];

export const CLIENT_ABOUT = `Connects, then sends each line of stdin as it arrives and prints every reply as it
comes (or sends --message). Once connected it prints on stderr 'connected:' with what
the handshake settled (with --cid, both connection IDs) and 'peer certificate:'
(subject, issuer, expiry, SHA-256 fingerprint; --showcerts adds the chain in PEM);
--quiet leaves these out. On a line of its own:
  :keyupdate   update our keys and ask the server to update its own (RFC 9147 §8)
  :rebind      move to a new local UDP port mid-session (with --cid: the server
               checks the new address and follows, RFC 9853)
  :quit        close with close_notify and exit
  ::TEXT       send ':TEXT'
At the end of input the client closes with close_notify, as openssl s_client
does; with --replies N it first waits until N lines have come from the
server (${REPLY_SILENCE_MS / 1000} s of the server's silence, unless --timeout or --idle-timeout, ends
the wait). Ctrl-C closes with close_notify too (a second Ctrl-C exits at once).
Exit 0 on a clean close: ours at the end of input, :quit or --idle-timeout, or
the server's close_notify (input not sent by then is reported on stderr). Exit 1
with the reason on failure (an alert, --timeout) or when the --replies did not
all come; 2 on a usage error; 130 after Ctrl-C. Nothing but a reply shows that
the server read a line: DTLS acknowledges no application data.`;

export const SERVER_ABOUT = `Serves DTLS 1.3 until interrupted (Ctrl-C). Prints each connection, its parameters,
each message, why a handshake failed, and each close. Lines typed on stdin go
to every connected client; ':keyupdate' on its own line updates the keys of every
connection. With --cid, a client that moves is followed once the return routability
check passes, and the server prints 'migrated: OLD_ADDRESS -> NEW_ADDRESS'.`;
