// A DTLS 1.2 peer over Debian's pion/dtls v2 (golang-github-pion-dtls.v2-dev), for dtls13's interop tests:
// a client or a server on 127.0.0.1, with certificates, client authentication, ALPN, DTLS-SRTP, the MTU, the
// retransmission timer (-flight-interval: `dtls13 learn` sets it longer than a query, since a timer that fires
// inside one makes its answers depend on time), the RFC 5705 exporter and resumption by session ID (an in-memory
// SessionStore). Built offline by tests/interop/build-pion.sh. It prints one line per event for the tests to read:
//
//	listening <port>
//	handshake <n> session-id=<hex> peer-certs=<count> alpn=<protocol> srtp=<profile id> exporter=<hex> resumed=<yes|no|->
//	reply <n> <text>
//	error <n> <message>
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pion/dtls/v2"
)

// memoryStore is a SessionStore in memory: a server keeps sessions by ID, a client by the server's address and name.
// A client's store also notes the session ID its last lookup found: the one the ClientHello offered.
type memoryStore struct {
	mu       sync.Mutex
	sessions map[string]dtls.Session
	offered  []byte
}

func (m *memoryStore) Set(key []byte, s dtls.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[string(key)] = s
	return nil
}

func (m *memoryStore) Get(key []byte) (dtls.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[string(key)]
	m.offered = s.ID
	return s, nil
}

// takeOffered is the session ID the last lookup found (nil: none), forgotten for the next connection.
func (m *memoryStore) takeOffered() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	offered := m.offered
	m.offered = nil
	return offered
}

func (m *memoryStore) Del(key []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, string(key))
	return nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}

func certPool(file string) *x509.CertPool {
	pem, err := os.ReadFile(file)
	if err != nil {
		fail("ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fail("ca: no certificate in %s", file)
	}
	return pool
}

// describe prints what a handshake settled; `resumed` is "yes" or "no" for a client with sessions (the server echoed
// the session ID its ClientHello offered: pion then took the abbreviated handshake), "-" otherwise.
func describe(n int, conn *dtls.Conn, exporter string, resumed string) {
	state := conn.ConnectionState()
	srtp := "none"
	if p, ok := conn.SelectedSRTPProtectionProfile(); ok {
		srtp = fmt.Sprintf("0x%04x", uint16(p))
	}
	alpn := state.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	exported := "none"
	if exporter != "" {
		key, err := state.ExportKeyingMaterial(exporter, nil, 32)
		if err != nil {
			exported = "error:" + strings.ReplaceAll(err.Error(), " ", "_")
		} else {
			exported = hex.EncodeToString(key)
		}
	}
	fmt.Printf("handshake %d session-id=%s peer-certs=%d alpn=%s srtp=%s exporter=%s resumed=%s\n",
		n, hex.EncodeToString(state.SessionID), len(state.PeerCertificates), alpn, srtp, exported, resumed)
}

func main() {
	role := flag.String("role", "client", "client or server")
	connectTo := flag.String("connect", "", "client: host:port of the server")
	port := flag.Int("port", 0, "server: UDP port on 127.0.0.1 (0: any; printed)")
	certFile := flag.String("cert", "", "PEM certificate chain")
	keyFile := flag.String("key", "", "PEM private key")
	caFile := flag.String("ca", "", "PEM CA: the client verifies the server with it, the server its clients")
	clientAuth := flag.String("client-auth", "none", "server: none, request or require (verified against -ca)")
	serverName := flag.String("servername", "", "client: the name to ask for and verify")
	alpn := flag.String("alpn", "", "comma-separated ALPN protocols")
	srtp := flag.Bool("srtp", false, "offer or accept DTLS-SRTP (SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80)")
	mtu := flag.Int("mtu", 0, "handshake fragment size (0: pion's default)")
	exporter := flag.String("exporter", "", "print 32 bytes of the RFC 5705 exporter with this label")
	sessions := flag.Bool("sessions", false, "keep sessions in memory for resumption by session ID")
	connections := flag.Int("connections", 1, "client: connections made one after another; server: connections served")
	message := flag.String("msg", "hello from pion", "client: the message each connection sends (the reply is printed)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flightInterval := flag.Duration("flight-interval", 0,
		"the retransmission timer of a flight (0: pion's default, 1s); longer than a learning query, no timer fires in it")
	flag.Parse()

	config := &dtls.Config{
		ExtendedMasterSecret: dtls.RequireExtendedMasterSecret,
		ServerName:           *serverName,
		MTU:                  *mtu,
		FlightInterval:       *flightInterval,
	}
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			fail("cert: %v", err)
		}
		config.Certificates = []tls.Certificate{cert}
	}
	if *caFile != "" {
		if *role == "server" {
			config.ClientCAs = certPool(*caFile)
		} else {
			config.RootCAs = certPool(*caFile)
		}
	}
	switch *clientAuth {
	case "none":
	case "request":
		config.ClientAuth = dtls.VerifyClientCertIfGiven
	case "require":
		config.ClientAuth = dtls.RequireAndVerifyClientCert
	default:
		fail("client-auth: none, request or require, not %s", *clientAuth)
	}
	if *alpn != "" {
		config.SupportedProtocols = strings.Split(*alpn, ",")
	}
	if *srtp {
		config.SRTPProtectionProfiles = []dtls.SRTPProtectionProfile{dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80}
	}
	if *sessions {
		config.SessionStore = &memoryStore{sessions: map[string]dtls.Session{}}
	}
	go func() {
		time.Sleep(*timeout)
		fmt.Println("error 0 timeout")
		os.Exit(3)
	}()
	if *role == "server" {
		serve(config, *port, *connections, *exporter)
		return
	}
	if *role != "client" {
		fail("role: client or server, not %s", *role)
	}
	connectMany(config, *connectTo, *connections, *message, *exporter)
}

func connectMany(config *dtls.Config, to string, connections int, message string, exporter string) {
	addr, err := net.ResolveUDPAddr("udp", to)
	if err != nil {
		fail("connect: %v", err)
	}
	failures := 0
	for n := 1; n <= connections; n++ {
		conn, err := dtls.Dial("udp", addr, config)
		resumed := "-"
		if store, ok := config.SessionStore.(*memoryStore); ok {
			offered := store.takeOffered()
			resumed = "no"
			if err == nil && len(offered) > 0 && bytes.Equal(offered, conn.ConnectionState().SessionID) {
				resumed = "yes"
			}
		}
		if err != nil {
			fmt.Printf("error %d %v\n", n, err)
			failures++
			continue
		}
		describe(n, conn, exporter, resumed)
		if _, err := conn.Write([]byte(message)); err != nil {
			fmt.Printf("error %d write: %v\n", n, err)
			failures++
		} else {
			buf := make([]byte, 16384)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			got, err := conn.Read(buf)
			if err != nil {
				fmt.Printf("error %d read: %v\n", n, err)
				failures++
			} else {
				fmt.Printf("reply %d %s\n", n, string(buf[:got]))
			}
		}
		_ = conn.Close()
	}
	if failures > 0 {
		os.Exit(1)
	}
}

func serve(config *dtls.Config, port int, connections int, exporter string) {
	ln, err := dtls.Listen("udp", &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: port}, config)
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("listening %d\n", ln.Addr().(*net.UDPAddr).Port)
	var served sync.WaitGroup
	for n := 1; n <= connections; n++ {
		c, err := ln.Accept()
		if err != nil {
			fmt.Printf("error %d %v\n", n, err)
			continue
		}
		conn := c.(*dtls.Conn)
		describe(n, conn, exporter, "-")
		served.Add(1)
		go func(n int) {
			defer served.Done()
			buf := make([]byte, 16384)
			for {
				got, err := conn.Read(buf)
				if err != nil {
					return
				}
				fmt.Printf("received %d %s\n", n, string(buf[:got]))
				if _, err := conn.Write(buf[:got]); err != nil {
					return
				}
			}
		}(n)
	}
	served.Wait()
	_ = ln.Close()
}
