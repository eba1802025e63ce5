import { listen, type DtlsListener } from '../../runtime/index.js';

/** What dtls13's own server needs to serve as the reference: its credentials and the version it speaks. */
export interface ReferenceServerOptions {
  readonly version: '1.2' | '1.3';
  /** The server's certificate chain and key (PEM or DER), as `listen` takes them. */
  readonly cert: string | Uint8Array | readonly Uint8Array[];
  readonly key: string | Uint8Array;
  /** Trust anchors for client certificates; with them the server asks for one (and admits clients that send none). */
  readonly ca?: string | Uint8Array | readonly Uint8Array[];
  readonly host?: string;
  readonly port?: number;
}

/** A running reference server: where to learn it, and how to stop it. */
export interface ReferenceServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * dtls13's own server (`listen`), limited to one version and echoing what each session receives: learned with the
 * same alphabet as a peer, it gives the reference model the peer's is compared with.
 */
export async function referenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const version = options.version === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
  const listener: DtlsListener = listen(
    (session) => {
      session.onmessage = (data) => session.send(data);
      session.onerror = () => undefined;
    },
    {
      host,
      port: options.port ?? 0,
      cert: options.cert,
      key: options.key,
      minVersion: version,
      maxVersion: version,
      ...(options.ca === undefined ? {} : { ca: options.ca, requestCert: true, rejectUnauthorized: false }),
    },
  );
  const { port } = await listener.listening;
  return { host, port, close: () => listener.close() };
}
