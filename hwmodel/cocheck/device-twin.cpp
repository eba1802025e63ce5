// The closed-loop SystemC twin of the whole offload device (hwmodel/cocheck/README.md, "The closed-loop twin"):
// record layer (RX ring, RX credits, pipeline slots, crypto credits), connection and key managers (a lane each,
// least-recently-used key slots), memory behind a 4-way LRU cache (a hit served by the cache, a miss by the one
// DRAM channel memory.yaml names: dram-twin.h), the crypto engine (an in-order intake with
// head-of-line blocking on its queue slots, DMA channels first come first served or round-robin, symmetric
// lanes, the public-key lanes, the pipeline latency). Written in the process style: every resource is a thread (or threads) taking
// jobs from an sc_fifo, every record a thread of its own passing through them, every clocked step starting on
// a clock edge. It shares no code with the TypeScript model: its costs come from the description's spec/hw
// parameters and the AEAD's raw engine-file figures (setup cycles, bytes a cycle, latency cycles), and its
// timing from its own queues (closed loop: nothing is replayed).
//
// Reads the description (hwmodel/cocheck/twin-traffic.ts, or twin-sim.ts from a simulate() run) on stdin; prints
// "<id> <finish ps>" per record finished and "<id> D" per record dropped at the RX ring, and for a simulate() run
// "K <hits> <misses>", what its own key slots found. Driven by a simulate() run, each connection's worker runs the
// whole of each call itself: the datagram's records, then the handshake work and the outgoing records that followed
// it in the run (what they are is the run's; when they happen, the twin's), each outgoing datagram through the TX
// ring and onto the egress link ("<datagram id> <ps>" when the link has sent it, "<datagram id> D" when the ring
// dropped it).
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <iostream>
#include <list>
#include <map>
#include <sstream>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "dram-twin.h"

using namespace sc_core;
using u64 = std::uint64_t;

static sc_time ps(u64 v) { return sc_time(static_cast<double>(v), SC_PS); }
static u64 now_ps() { return sc_time_stamp().value(); }

static const u64 CONNECTION_BASE = 0x10000000ull, KEY_SLOT_BASE = 0x20000000ull, BUFFER_BASE = 0x40000000ull;
// A simulate() run's connection table (hwmodel/model/connection-manager.ts): 32 bytes an entry from here.
static const u64 TABLE_BASE = 0x20000000ull;
static const u64 CONNECTION_ENTRY = 32, KEY_SLOT = 128;

// Credits and slots granted in arrival order: a freed one is handed to the longest waiter, a delta later.
struct fifo_credits {
  long free;
  std::deque<sc_event*> waiting;
  explicit fifo_credits(long n) : free(n) {}
  void take() {
    if (free > 0 && waiting.empty()) {
      free--;
      return;
    }
    sc_event granted;
    waiting.push_back(&granted);
    wait(granted);
  }
  void give() {
    if (waiting.empty()) {
      free++;
      return;
    }
    sc_event* next = waiting.front();
    waiting.pop_front();
    next->notify(SC_ZERO_TIME);
  }
};

// A job for a server thread: its service time, the memory access it stands for, and the queue slot it frees.
struct job {
  u64 service = 0, address = 0, length = 0;
  fifo_credits* slot = nullptr;
  sc_event done;
};

struct device : sc_module {
  std::map<std::string, u64> p;
  u64 period;
  // Servers.
  sc_fifo<job*> lookups, derivations, sym_q, pk_q, handshake_q;
  dram_twin dram;
  std::vector<sc_fifo<job*>*> dma_q;  // one fifo (first come, first served) or one per channel (round-robin)
  u64 dma_next = 0;
  // The intake: commands in arrival order, each waiting for its unit's queue slot.
  sc_fifo<std::pair<fifo_credits*, sc_event*>*> intake_q;
  fifo_credits sym_slots, pk_slots, rx_credits, pipeline, crypto_credits;
  long ring_free;
  // The TX ring toward the egress link: credits (waited for in arrival order), then a slot (dropped when none is
  // free: only credits above the depth allow that); both back when the link has sent the datagram.
  fifo_credits tx_credits;
  long tx_ring_free;
  u64 link_busy = 0;                // when the link has sent everything it was given
  std::deque<u64> departures;      // the ring's datagrams' ends on the link, in link order
  sc_event departure;
  // The memory's cache: per set, its lines, most recently used last.
  std::vector<std::list<u64>> sets;
  // Key slots: connection -> slot, least recently used first.
  std::list<std::pair<u64, u64>> lru;
  std::unordered_map<u64, std::list<std::pair<u64, u64>>::iterator> slot_of;
  std::vector<u64> free_slots;
  // The AEAD's and the public-key operations' raw figures.
  double setup = 0, bytes_per_cycle = 0, latency_cycles = 0;
  u64 pk_cycles = 0;

  SC_HAS_PROCESS(device);
  device(sc_module_name n, const std::map<std::string, u64>& params, double s, double b, double l, u64 pk)
      : sc_module(n), p(params), period(p.at("crypto_engine.clock_period")), lookups("lookups", 1 << 20),
        derivations("derivations", 1 << 20), sym_q("sym_q", 1 << 20), pk_q("pk_q", 1 << 20),
        handshake_q("handshake_q", 1 << 20), dram(p),
        intake_q("intake_q", 1 << 20), sym_slots(static_cast<long>(p.at("crypto_engine.lanes") * p.at("crypto_engine.queue_depth"))),
        pk_slots(static_cast<long>(p.at("crypto_engine.pk_lanes") * p.at("crypto_engine.queue_depth"))),
        rx_credits(static_cast<long>(p.at("record_layer.rx_credits"))), pipeline(static_cast<long>(p.at("record_layer.pipeline_depth"))),
        crypto_credits(static_cast<long>(p.at("record_layer.crypto_credits"))), ring_free(static_cast<long>(p.at("record_layer.rx_ring_depth"))),
        tx_credits(static_cast<long>(param_or("record_layer.tx_credits", 1 << 30))),
        tx_ring_free(static_cast<long>(param_or("record_layer.tx_ring_depth", 1 << 30))),
        setup(s), bytes_per_cycle(b), latency_cycles(l), pk_cycles(pk) {
    sc_spawn([this] { drain(); }, "tx_ring");
    sets.resize(std::max<u64>(1, p.at("memory.cache_size") / p.at("memory.line_size") / 4));
    for (u64 i = p.at("key_manager.key_slots"); i > 0; i--) free_slots.push_back(i - 1);
    sc_spawn([this] { server(lookups, false); }, "connection_manager");
    sc_spawn([this] { server(derivations, false); }, "key_manager");
    sc_spawn([this] { intake(); }, "intake");
    // The handshake engine's lanes (a simulate() run's description names them): unclocked, first come first served.
    const u64 handshakes =
        p.count("handshake_engine.concurrent_handshakes") ? p.at("handshake_engine.concurrent_handshakes") : 0;
    for (u64 i = 0; i < handshakes; i++) sc_spawn([this] { server(handshake_q, false); }, sc_gen_unique_name("handshake"));
    for (u64 i = 0; i < p.at("crypto_engine.lanes"); i++) sc_spawn([this] { server(sym_q, true); }, sc_gen_unique_name("lane"));
    for (u64 i = 0; i < p.at("crypto_engine.pk_lanes"); i++) sc_spawn([this] { server(pk_q, true); }, sc_gen_unique_name("pk_lane"));
    const u64 channels = p.at("crypto_engine.dma_channels");
    const bool rr = p.at("crypto_engine.dma_round_robin") != 0;
    for (u64 i = 0; i < (rr ? channels : 1); i++) dma_q.push_back(new sc_fifo<job*>(sc_gen_unique_name("dma_q"), 1 << 20));
    for (u64 i = 0; i < channels; i++) {
      sc_fifo<job*>* q = dma_q[rr ? i : 0];
      sc_spawn([this, q] { server(*q, true); }, sc_gen_unique_name("dma"));
    }
  }

  u64 param_or(const char* name, u64 otherwise) const { return p.count(name) ? p.at(name) : otherwise; }

  // The egress link, first in first out: a datagram's bytes and its IPv4 and UDP headers (28 bytes) at the link's
  // rate, after what it was given before; one larger than the MTU is not sent (it leaves at once). Returns the end.
  u64 link_send(u64 bytes) {
    if (bytes + 28 > param_or("network_channel.mtu", ~0ull - 28)) return now_ps();
    const double bits = static_cast<double>(bytes + 28) * 8;
    const double rate = static_cast<double>(p.at("network_channel.bandwidth"));
    const u64 start = std::max(now_ps(), link_busy);
    link_busy = start + static_cast<u64>(std::llround(bits * 1e12 / rate));
    return link_busy;
  }

  // The datagram's TX ring slot and credit come back at `at` (the link's order: never before the one ahead).
  void depart(u64 at) {
    const u64 t = std::max(std::max(at, now_ps()), departures.empty() ? 0 : departures.back());
    departures.push_back(t);
    if (departures.size() == 1) departure.notify();
  }

  void drain() {
    for (;;) {
      if (departures.empty()) {
        wait(departure);
        continue;
      }
      if (departures.front() > now_ps()) {
        wait(ps(departures.front() - now_ps()));
        continue;
      }
      departures.pop_front();
      tx_ring_free++;
      tx_credits.give();
    }
  }

  // The next rising edge of the engine clock (now, when on one).
  void edge() {
    const u64 r = now_ps() % period;
    if (r != 0) wait(ps(period - r));
  }

  void server(sc_fifo<job*>& q, bool clocked) {
    for (;;) {
      job* j = q.read();
      if (clocked) edge();
      if (j->slot != nullptr) j->slot->give();
      if (j->service > 0) wait(ps(j->service));
      j->done.notify(SC_ZERO_TIME);
    }
  }

  void intake() {
    for (;;) {
      auto* w = intake_q.read();
      edge();
      w->first->take();
      w->second->notify(SC_ZERO_TIME);
    }
  }

  bool cached(u64 line) {
    auto& set = sets[line % sets.size()];
    for (auto it = set.begin(); it != set.end(); ++it)
      if (*it == line) {
        set.erase(it);
        set.push_back(line);
        return true;
      }
    if (set.size() >= 4) set.pop_front();
    set.push_back(line);
    return false;
  }

  void run(sc_fifo<job*>& q, job& j) {
    q.write(&j);
    wait(j.done);
  }

  // A memory access: the cache serves one whose lines it holds (the hit latency, its bytes at the bandwidth); one that
  // misses a line waits for the DRAM channel.
  void access(u64 address, u64 length) {
    const u64 line = p.at("memory.line_size");
    const u64 len = std::max<u64>(1, length);
    bool missed = false;
    for (u64 l = address / line; l <= (address + len - 1) / line; l++) missed = !cached(l) || missed;
    if (missed) return dram.access(len);
    const double t = static_cast<double>(p.at("memory.hit_latency")) +
                     static_cast<double>(len) * 8e12 / static_cast<double>(p.at("memory.bandwidth"));
    if (t > 0) wait(ps(static_cast<u64>(std::llround(t))));
  }

  void manager(sc_fifo<job*>& q, u64 service) {
    job j;
    j.service = service;
    run(q, j);
  }

  // One DMA transfer: a channel for the bytes at the DMA bandwidth in whole cycles, then the memory.
  void transfer(u64 bytes, u64 buffer) {
    if (bytes == 0) return;
    const u64 bw = p.at("crypto_engine.dma_bandwidth");
    const u64 t = (bytes * 8 * 1000000000000ull + bw - 1) / bw;
    job d;
    d.service = (t + period - 1) / period * period;
    run(*dma_q[dma_next++ % dma_q.size()], d);
    access(buffer, std::min(bytes, p.at("crypto_engine.buffer_size")));
  }

  // The connection's key slot and whether it was there; the least recently used connection's otherwise.
  std::pair<u64, bool> key_slot(u64 connection) {
    auto it = slot_of.find(connection);
    if (it != slot_of.end()) {
      const u64 slot = it->second->second;
      lru.erase(it->second);
      lru.push_back({connection, slot});
      it->second = std::prev(lru.end());
      return {slot, true};
    }
    u64 slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = lru.front().second;
      slot_of.erase(lru.front().first);
      lru.pop_front();
    }
    lru.push_back({connection, slot});
    slot_of[connection] = std::prev(lru.end());
    return {slot, false};
  }

  // One record through the device; false when the RX ring drops it.
  bool record(u64 connection, u64 bytes, bool seal, bool handshake) {
    if (ring_free == 0) return false;
    ring_free--;
    rx_credits.take();
    pipeline.take();
    ring_free++;
    manager(lookups, p.at("connection_manager.table_lookup_cost"));
    access(CONNECTION_BASE + connection * CONNECTION_ENTRY, CONNECTION_ENTRY);
    const auto key = key_slot(connection);
    if (!key.second) manager(derivations, p.at("key_manager.derivation_cost"));
    access(KEY_SLOT_BASE + key.first * KEY_SLOT, KEY_SLOT);
    crypto_credits.take();
    // The command: the intake, operands in, a lane for the issue interval, the pipeline latency, results out.
    sc_event admitted;
    std::pair<fifo_credits*, sc_event*> w{handshake ? &pk_slots : &sym_slots, &admitted};
    intake_q.write(&w);
    wait(admitted);
    const u64 buffer = BUFFER_BASE + (connection % 65536) * p.at("crypto_engine.buffer_size");
    if (handshake) {
      // X25519 generate and derive (32 bytes each) and an Ed25519 signature over 128 bytes: operands in,
      // a public-key lane, then the command's decode on a symmetric lane (no queue slot), results out.
      transfer(32 + 32 + 128, buffer);
      job pk;
      pk.slot = &pk_slots;
      pk.service = pk_cycles * period;
      run(pk_q, pk);
      job decode;
      decode.service = p.at("crypto_engine.command_cycles") * period;
      run(sym_q, decode);
      transfer(32 + 32 + 64, buffer);
      crypto_credits.give();
      pipeline.give();
      rx_credits.give();
      return true;
    }
    transfer(bytes, buffer);
    const double data = bytes_per_cycle > 0 ? std::ceil(static_cast<double>(bytes) / bytes_per_cycle) : 0;
    job lane;
    lane.slot = &sym_slots;
    lane.service = (p.at("crypto_engine.command_cycles") + static_cast<u64>(std::ceil(setup + data))) * period;
    run(sym_q, lane);
    const u64 latency = static_cast<u64>(std::ceil(latency_cycles)) * period;
    if (latency > 0) wait(ps(latency));
    transfer(seal ? bytes + 16 : (bytes > 16 ? bytes - 16 : 0), buffer);
    crypto_credits.give();
    pipeline.give();
    rx_credits.give();
    return true;
  }

  // ---- Driven by a simulate() run (hwmodel/cocheck/twin-sim.ts): the model's record path, its costs our own. ----

  // One operation kind's raw engine figures: unit (0 symmetric, 1 public key), setup (or the operation's) cycles,
  // bytes a cycle, latency cycles, and what its results write back (0 seal, 1 open, 2 mask, 3 sign, 4 verify, 5 other).
  struct raw_op {
    int unit = 0;
    double cycles = 0, bytes_per_cycle = 0, latency = 0;
    int result = 5;
  };
  std::vector<raw_op> table;
  using op_list = std::vector<std::pair<std::size_t, u64>>;  // (table row, bytes)

  static u64 result_bytes(const raw_op& r, u64 bytes) {
    switch (r.result) {
      case 0: return bytes + 16;
      case 1: return bytes > 16 ? bytes - 16 : 0;
      case 2: return 16;
      case 3: return 64;
      case 4: return 1;
      default: return 32;
    }
  }

  // A command of any operations: the intake (its first unit's queue), operands in, the public-key lane (then its
  // symmetric work on a symmetric lane, no queue slot) or a symmetric lane, the pipeline latency, results out.
  void command(const op_list& ops, u64 connection) {
    double sym = static_cast<double>(p.at("crypto_engine.command_cycles")), pk = 0, latency = 0;
    u64 in = 0, out = 0;
    for (const auto& [row, bytes] : ops) {
      const raw_op& r = table.at(row);
      in += bytes;
      out += result_bytes(r, bytes);
      if (r.unit == 1) pk += r.cycles;
      else {
        sym += r.cycles + (r.bytes_per_cycle > 0 ? std::ceil(static_cast<double>(bytes) / r.bytes_per_cycle) : 0);
        latency = std::max(latency, r.latency);
      }
    }
    const bool public_key = pk > 0;
    sc_event admitted;
    std::pair<fifo_credits*, sc_event*> w{public_key ? &pk_slots : &sym_slots, &admitted};
    intake_q.write(&w);
    wait(admitted);
    const u64 buffer = BUFFER_BASE + (connection % 65536) * p.at("crypto_engine.buffer_size");
    transfer(in, buffer);
    if (public_key) {
      job k;
      k.slot = &pk_slots;
      k.service = static_cast<u64>(std::llround(pk)) * period;
      run(pk_q, k);
      job s;
      s.service = static_cast<u64>(std::llround(sym)) * period;
      run(sym_q, s);
    } else {
      job s;
      s.slot = &sym_slots;
      s.service = static_cast<u64>(std::llround(sym)) * period;
      run(sym_q, s);
    }
    const u64 tail = static_cast<u64>(std::ceil(latency)) * period;
    if (tail > 0) wait(ps(tail));
    transfer(out, buffer);
  }

  // The key slots of this mode, decided here: key_slots contexts, least recently used out. A connection has a key
  // once one was installed; a read before that (its first flight) needs nothing. A context lives in the backing store
  // at 0x10000000 + connection x 64, 64 bytes.
  std::list<u64> key_lru;  // least recently used first
  std::unordered_map<u64, std::list<u64>::iterator> key_at;
  std::unordered_map<u64, bool> keyed;
  u64 key_hits = 0, key_misses = 0;
  static u64 context(u64 connection) { return 0x10000000ull + (connection % 65536) * 64; }

  // Gives the connection a slot (most recently used); the connection whose context must be written back, or -1.
  long long key_place(u64 connection) {
    keyed[connection] = true;
    auto it = key_at.find(connection);
    if (it != key_at.end()) {
      key_lru.splice(key_lru.end(), key_lru, it->second);
      return -1;
    }
    long long out = -1;
    if (key_lru.size() >= p.at("key_manager.key_slots")) {
      out = static_cast<long long>(key_lru.front());
      key_at.erase(key_lru.front());
      key_lru.pop_front();
    }
    key_lru.push_back(connection);
    key_at[connection] = std::prev(key_lru.end());
    return out;
  }

  // A record's key read: a hit (or no key yet) costs nothing; a miss writes the victim's context back (when the
  // slots were full), reads the connection's, and derives its key and IV again on the key manager's one lane.
  void key_read(u64 connection) {
    if (keyed.count(connection) == 0) return;
    auto it = key_at.find(connection);
    if (it != key_at.end()) {
      key_lru.splice(key_lru.end(), key_lru, it->second);
      key_hits++;
      return;
    }
    key_misses++;
    const long long victim = key_place(connection);
    if (victim >= 0) access(context(static_cast<u64>(victim)), 64);
    access(context(connection), 64);
    manager(derivations, p.at("key_manager.derivation_cost"));
  }

  // A key installed (a handshake's): derived on the key manager's lane, placed in a slot, the contexts written.
  void key_install(u64 connection) {
    manager(derivations, p.at("key_manager.derivation_cost"));
    const long long victim = key_place(connection);
    if (victim >= 0) access(context(static_cast<u64>(victim)), 64);
    access(context(connection), 64);
  }

  // Each connection's worker takes its calls one at a time, in order, as the record layer's does.
  std::unordered_map<u64, fifo_credits*> workers;
  fifo_credits& worker(u64 connection) {
    auto it = workers.find(connection);
    if (it == workers.end()) it = workers.emplace(connection, new fifo_credits(1)).first;
    return *it->second;
  }

  // A datagram reaching the RX ring; false when the ring drops it. Kept, it leaves with the connection's worker held
  // (the call goes on: its handshake work and outgoing records) and its slot given back once its records are open.
  bool inbound(u64 connection, u64 records, const op_list& ops) {
    if (ring_free == 0) return false;
    ring_free--;
    worker(connection).take();
    rx_credits.take();
    pipeline.take();
    ring_free++;
    const u64 header = records * p.at("record_layer.header_cost");
    if (header > 0) wait(ps(header));
    key_read(connection);
    if (!ops.empty()) {
      crypto_credits.take();
      command(ops, connection);
      crypto_credits.give();
    }
    pipeline.give();
    rx_credits.give();
    return true;
  }

  // Handshake work: a handshake engine lane for its messages, its crypto command, then its keys installed.
  void handshake(u64 connection, u64 messages, u64 installs, const op_list& ops) {
    manager(handshake_q, messages * p.at("handshake_engine.message_cost"));
    if (!ops.empty()) command(ops, connection);
    for (u64 i = 0; i < installs; i++) key_install(connection);
  }

  // Outgoing records: a pipeline slot, the header cost per datagram, the key read, their seals; then each datagram on
  // its way out: a TX credit and a ring slot (or dropped), the lookup and table read, the link. Returns when the seals
  // ended (the compared finish); each datagram's end on the link (or -1, dropped) goes to `sent_out`.
  u64 outbound(u64 connection, u64 datagrams, const op_list& ops, const std::vector<std::pair<u64, u64>>& sent,
               std::vector<std::pair<u64, long long>>& sent_out) {
    pipeline.take();
    const u64 header = datagrams * p.at("record_layer.header_cost");
    if (header > 0) wait(ps(header));
    key_read(connection);
    if (!ops.empty()) {
      crypto_credits.take();
      command(ops, connection);
      crypto_credits.give();
    }
    const u64 sealed = now_ps();
    const u64 entry = TABLE_BASE + (connection % p.at("connection_manager.max_connections")) * CONNECTION_ENTRY;
    for (u64 i = 0; i < std::max<u64>(datagrams, sent.size()); i++) {
      const bool traced = i < sent.size();
      if (traced) {
        tx_credits.take();
        if (tx_ring_free == 0) {
          tx_credits.give();
          sent_out.push_back({sent[i].first, -1});
          continue;
        }
        tx_ring_free--;
      }
      manager(lookups, p.at("connection_manager.table_lookup_cost"));
      access(entry, CONNECTION_ENTRY);
      if (traced) {
        const u64 end = link_send(sent[i].second);
        sent_out.push_back({sent[i].first, static_cast<long long>(end)});
        depart(end);
      }
    }
    pipeline.give();
    return sealed;
  }
};

// A line of a description built from a simulate() run (i, h, o, L, m, u: hwmodel/cocheck/twin-sim.ts). `after`: the
// line whose call this one continues on the connection's worker (-1: it starts at `at`, a timer's call).
struct traced {
  char kind = 0;
  u64 id = 0, at = 0, connection = 0, count = 0, installs = 0, left = 0;
  long long after = -1;
  int write = 0;
  long long address = -1;
  std::vector<std::pair<std::size_t, u64>> ops;
};

struct offered {
  u64 id, at, connection, bytes;
  bool seal, handshake;
};

int sc_main(int, char*[]) {
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  std::map<std::string, u64> params;
  std::vector<offered> records;
  double setup = 0, bpc = 0, lat = 0;
  u64 generate = 0, derive = 0, sign = 0;
  std::vector<device::raw_op> table;
  std::vector<traced> traces;
  std::unordered_map<u64, std::vector<std::pair<u64, u64>>> sent_of;  // request -> its datagrams (id, bytes)
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string k;
    in >> k;
    if (k == "p") {
      std::string name;
      double v;
      in >> name >> v;
      params[name] = static_cast<u64>(v);
    } else if (k == "a") {
      in >> setup >> bpc >> lat;
    } else if (k == "k") {
      in >> generate >> derive >> sign;
    } else if (k == "x") {
      std::size_t row;
      device::raw_op r;
      in >> row >> r.unit >> r.cycles >> r.bytes_per_cycle >> r.latency >> r.result;
      if (table.size() <= row) table.resize(row + 1);
      table[row] = r;
    } else if (k == "i" || k == "o" || k == "h" || k == "L" || k == "m" || k == "u") {
      traced t{};
      t.kind = k[0];
      in >> t.id;
      if (t.kind == 'h' || t.kind == 'o') {
        std::string after;
        in >> after;
        t.after = after == "-" ? -1 : std::stoll(after);
      }
      in >> t.at;
      if (t.kind == 'i') in >> t.connection >> t.count;
      else if (t.kind == 'o') in >> t.connection >> t.count;
      else if (t.kind == 'h') in >> t.connection >> t.count >> t.installs;
      else if (t.kind == 'L') in >> t.count;  // the lookup's service
      else if (t.kind == 'm') in >> t.write >> t.address >> t.count;
      else in >> t.left;  // u: when it left the ring unread
      if (t.kind == 'i' || t.kind == 'o' || t.kind == 'h') {
        std::size_t n = 0;
        in >> n;
        for (std::size_t i = 0; i < n; i++) {
          std::string ref;
          in >> ref;
          const auto colon = ref.find(':');
          t.ops.push_back({std::stoul(ref.substr(0, colon)), std::stoull(ref.substr(colon + 1))});
        }
      }
      traces.push_back(t);
    } else if (k == "t") {
      u64 id = 0, request = 0, bytes = 0;
      in >> id >> request >> bytes;
      sent_of[request].push_back({id, bytes});
    } else if (k == "r") {
      offered r{};
      int seal = 0, handshake = 0;
      in >> r.id >> r.at >> r.connection >> r.bytes >> seal >> handshake;
      r.seal = seal != 0;
      r.handshake = handshake != 0;
      records.push_back(r);
    }
  }
  device d("device", params, setup, bpc, lat, generate + derive + sign);
  std::vector<std::pair<u64, long long>> out;  // finish, or -1 for dropped
  out.reserve(records.size());
  sc_spawn_options small;
  small.set_stack_size(0x8000);
  for (const offered& r : records) {
    sc_spawn([&d, &out, rp = &r] {
      if (rp->at > 0) wait(ps(rp->at));
      const bool kept = d.record(rp->connection, rp->bytes, rp->seal, rp->handshake);
      out.push_back({rp->id, kept ? static_cast<long long>(now_ps()) : -1});
    }, sc_gen_unique_name("record"), &small);
  }
  d.table = table;
  // Each call's continuation: the handshake work and outgoing records after the line they follow, in order.
  std::unordered_map<u64, std::vector<const traced*>> next;
  for (const traced& t : traces)
    if (t.after >= 0) next[static_cast<u64>(t.after)].push_back(&t);
  // Runs a handshake work or outgoing request, then what follows it (the connection's worker is held throughout).
  std::function<void(const traced&)> step = [&](const traced& t) {
    if (t.kind == 'h') {
      d.handshake(t.connection, t.count, t.installs, t.ops);
      out.push_back({t.id, static_cast<long long>(now_ps())});
    } else {
      const auto it = sent_of.find(t.id);
      static const std::vector<std::pair<u64, u64>> none;
      std::vector<std::pair<u64, long long>> sent;
      out.push_back({t.id, static_cast<long long>(d.outbound(t.connection, t.count, t.ops,
                                                             it == sent_of.end() ? none : it->second, sent))});
      out.insert(out.end(), sent.begin(), sent.end());
    }
    auto it = next.find(t.id);
    if (it != next.end())
      for (const traced* f : it->second) step(*f);
  };
  for (const traced& t : traces) {
    if (t.after >= 0) continue;  // run by the call it continues
    sc_spawn([&d, &out, &next, &step, tp = &t] {
      if (tp->at > 0) wait(ps(tp->at));
      switch (tp->kind) {
        case 'i': {
          const bool kept = d.inbound(tp->connection, tp->count, tp->ops);
          out.push_back({tp->id, kept ? static_cast<long long>(now_ps()) : -1});
          if (!kept) return;
          auto it = next.find(tp->id);
          if (it != next.end())
            for (const traced* f : it->second) step(*f);
          d.worker(tp->connection).give();
          return;
        }
        case 'h':
        case 'o':  // a call of its own (a timer's), at its traced time
          d.worker(tp->connection).take();
          step(*tp);
          d.worker(tp->connection).give();
          return;
        case 'L': d.manager(d.lookups, tp->count); return;
        case 'm': d.access(static_cast<u64>(tp->address), tp->count); return;
        default:  // u: a datagram taken and left unread at its connection's close
          if (d.ring_free == 0) return;
          d.ring_free--;
          if (tp->left > now_ps()) wait(ps(tp->left - now_ps()));
          d.ring_free++;
          return;
      }
    }, sc_gen_unique_name("traced"), &small);
  }
  sc_start();
  if (!traces.empty()) std::cout << "K " << d.key_hits << ' ' << d.key_misses << '\n';
  for (auto& o : out) {
    if (o.second < 0) std::cout << o.first << " D\n";
    else std::cout << o.first << ' ' << o.second << '\n';
  }
  std::cout.flush();
  std::_Exit(0);
}
