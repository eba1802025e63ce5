/*
 * A DTLS peer on JSSE (OpenJDK's javax.net.ssl.SSLEngine) over a DatagramSocket, for tests/interop/jsse.test.ts.
 *
 *   java -cp CACHE [-Djdk.tls.namedGroups=x25519,secp256r1] DtlsPeer server PORT [options]
 *   java -cp CACHE [-Djdk.tls.namedGroups=...] DtlsPeer client HOST:PORT [options]
 *
 * options: --cert FILE --key FILE (PEM chain, PEM PKCS#8 key), --ca FILE (PEM trust anchors; a server given one
 * requires a client certificate), --protocol DTLSv1.2, --message TEXT (client, repeatable), --timeout MS.
 * It prints "listening PORT" (server, once bound), "connected PROTOCOL SUITE" after the handshake, and then a
 * server echoes every message back ("received: TEXT"), a client sends its messages in order, prints each
 * reply ("reply: TEXT") and closes with close_notify. Exit 0 on success, 1 with the reason on stderr.
 */
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

public final class DtlsPeer {
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
  private final DatagramSocket socket;
  private final SSLEngine engine;
  private SocketAddress peer;
  /** Datagrams read before the engine wanted them (the server's first one). */
  private final Deque<byte[]> pending = new ArrayDeque<>();
  /** Application data that arrived with the peer's last handshake flight. */
  private final List<String> early = new ArrayList<>();

  private DtlsPeer(DatagramSocket socket, SSLEngine engine) {
    this.socket = socket;
    this.engine = engine;
  }

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (Exception e) {
      System.err.println("jsse peer: " + e);
      System.exit(1);
    }
  }

  private static int run(String[] args) throws Exception {
    if (args.length < 2) throw new IllegalArgumentException("usage: DtlsPeer server PORT | client HOST:PORT [options]");
    String role = args[0];
    String cert = null, key = null, ca = null, protocol = "DTLSv1.2";
    int timeout = 10_000;
    List<String> messages = new ArrayList<>();
    for (int i = 2; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--cert" -> cert = value;
        case "--key" -> key = value;
        case "--ca" -> ca = value;
        case "--protocol" -> protocol = value;
        case "--message" -> messages.add(value);
        case "--timeout" -> timeout = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SSLContext context = SSLContext.getInstance("DTLS");
    context.init(keyManagers(cert, key), trustManagers(ca), null);
    boolean server = role.equals("server");
    DatagramSocket socket;
    SSLEngine engine;
    if (server) {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])));
      engine = context.createSSLEngine();
      engine.setUseClientMode(false);
      if (ca != null) engine.setNeedClientAuth(true);
    } else {
      String[] hp = args[1].split(":");
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      engine = context.createSSLEngine(hp[0], Integer.parseInt(hp[1]));
      engine.setUseClientMode(true);
    }
    engine.setEnabledProtocols(new String[] {protocol});
    SSLParameters params = engine.getSSLParameters();
    params.setMaximumPacketSize(1200);
    engine.setSSLParameters(params);
    socket.setSoTimeout(timeout);
    DtlsPeer p = new DtlsPeer(socket, engine);
    if (server) {
      say("listening " + socket.getLocalPort());
      DatagramPacket first = new DatagramPacket(new byte[65_536], 65_536);
      socket.setSoTimeout(0);
      socket.receive(first);
      socket.setSoTimeout(timeout);
      p.peer = first.getSocketAddress();
      p.pending.add(java.util.Arrays.copyOf(first.getData(), first.getLength()));
    } else {
      String[] hp = args[1].split(":");
      p.peer = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }
    p.handshake();
    say("connected " + engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite());
    return server ? p.echo() : p.talk(messages);
  }

  /** A line on stdout, flushed at once (the test reads it from a pipe). */
  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static javax.net.ssl.KeyManager[] keyManagers(String cert, String key) throws Exception {
    if (cert == null) return null;
    Certificate[] chain = certificates(cert).toArray(new Certificate[0]);
    String pem = Files.readString(Path.of(key));
    String b64 = pem.replaceAll("-----[^-]+-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (java.security.spec.InvalidKeySpecException e) {
      privateKey = KeyFactory.getInstance("RSA").generatePrivate(spec);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("peer", privateKey, new char[0], chain);
    KeyManagerFactory f = KeyManagerFactory.getInstance("SunX509");
    f.init(store, new char[0]);
    return f.getKeyManagers();
  }

  private static javax.net.ssl.TrustManager[] trustManagers(String ca) throws Exception {
    if (ca == null) return null;
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Certificate c : certificates(ca)) store.setCertificateEntry("ca" + i++, c);
    TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
    f.init(store);
    return f.getTrustManagers();
  }

  private static List<Certificate> certificates(String file) throws Exception {
    byte[] pem = Files.readAllBytes(Path.of(file));
    return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
  }

  /** The next datagram from the peer (others are dropped), or null when the socket's timeout passed. */
  private byte[] receive() throws Exception {
    if (!pending.isEmpty()) return pending.poll();
    DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    while (true) {
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (packet.getSocketAddress().equals(peer)) return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
    }
  }

  /** wrap() until the engine has nothing more to send: a flight, or its retransmission after a timeout. */
  private HandshakeStatus flush(ByteBuffer app) throws Exception {
    while (true) {
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      SSLEngineResult r = engine.wrap(app, out);
      out.flip();
      if (out.hasRemaining()) {
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        socket.send(new DatagramPacket(bytes, bytes.length, peer));
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && engine.isOutboundDone()) return r.getHandshakeStatus();
      if (r.getStatus() != SSLEngineResult.Status.OK) throw new IllegalStateException("wrap: " + r.getStatus());
      HandshakeStatus hs = r.getHandshakeStatus();
      if (hs != HandshakeStatus.NEED_WRAP || app.hasRemaining()) return hs;
    }
  }

  /** One datagram into the engine; application data it holds goes to `sink`. */
  private SSLEngineResult unwrap(byte[] datagram, List<String> sink) throws Exception {
    ByteBuffer in = datagram == null ? NOTHING : ByteBuffer.wrap(datagram);
    SSLEngineResult r;
    do {
      ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      r = engine.unwrap(in, app);
      app.flip();
      if (app.hasRemaining()) sink.add(StandardCharsets.UTF_8.decode(app).toString());
    } while (in.hasRemaining() && r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0);
    return r;
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) task.run();
  }

  private void handshake() throws Exception {
    engine.beginHandshake();
    int timeouts = 0;
    while (true) {
      HandshakeStatus hs = engine.getHandshakeStatus();
      switch (hs) {
        case NOT_HANDSHAKING, FINISHED -> {
          return;
        }
        case NEED_TASK -> runTasks();
        case NEED_WRAP -> {
          if (flush(NOTHING) == HandshakeStatus.FINISHED) return;
        }
        case NEED_UNWRAP_AGAIN -> {
          if (unwrap(null, early).getHandshakeStatus() == HandshakeStatus.FINISHED) return;
        }
        case NEED_UNWRAP -> {
          byte[] d = receive();
          if (d == null) {
            if (++timeouts > 5) throw new IllegalStateException("handshake: no answer");
            flush(NOTHING); // the engine retransmits its last flight
            continue;
          }
          SSLEngineResult r = unwrap(d, early);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new IllegalStateException("handshake: the peer closed");
          if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) return;
        }
        default -> throw new IllegalStateException("handshake status " + hs);
      }
    }
  }

  /** Reads one datagram after the handshake: application data into `sink`; false when the peer closed. */
  private boolean readOnce(List<String> sink) throws Exception {
    byte[] d = receive();
    if (d == null) throw new IllegalStateException("no datagram from the peer in time");
    SSLEngineResult r = unwrap(d, sink);
    // A retransmitted last flight of the peer's: the engine answers it.
    HandshakeStatus hs = r.getHandshakeStatus();
    while (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
      if (hs == HandshakeStatus.NEED_TASK) runTasks();
      else flush(NOTHING);
      hs = engine.getHandshakeStatus();
    }
    return r.getStatus() != SSLEngineResult.Status.CLOSED;
  }

  private void send(String text) throws Exception {
    flush(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  private int echo() throws Exception {
    socket.setSoTimeout(0);
    List<String> got = new ArrayList<>(early);
    early.clear();
    boolean open = true;
    while (true) {
      for (String m : got) {
        say("received: " + m);
        send(m);
      }
      got.clear();
      if (!open) break;
      open = readOnce(got);
    }
    engine.closeOutbound();
    flush(NOTHING);
    return 0;
  }

  private int talk(List<String> messages) throws Exception {
    List<String> replies = new ArrayList<>(early);
    for (String m : messages) {
      send(m);
      while (replies.isEmpty()) {
        if (!readOnce(replies)) throw new IllegalStateException("the server closed before answering");
      }
      say("reply: " + replies.remove(0));
    }
    engine.closeOutbound();
    flush(NOTHING);
    return 0;
  }
}
