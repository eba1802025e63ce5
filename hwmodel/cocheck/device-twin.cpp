// The closed-loop SystemC twin of the whole offload device (hwmodel/cocheck/README.md, "The closed-loop twin"):
// record layer (RX ring, RX credits, pipeline slots, crypto credits), connection and key managers (a lane each,
// least-recently-used key slots), memory behind a 4-way LRU cache, the crypto engine (an in-order intake with
// head-of-line blocking on its queue slots, DMA channels first come first served or round-robin, symmetric
// lanes, the public-key lanes, the pipeline latency). Written in the process style: every resource is a thread (or threads) taking
// jobs from an sc_fifo, every record a thread of its own passing through them, every clocked step starting on
// a clock edge. It shares no code with the TypeScript model: its costs come from the description's spec/hw
// parameters and the AEAD's raw engine-file figures (setup cycles, bytes a cycle, latency cycles), and its
// timing from its own queues (closed loop: nothing is replayed).
//
// Reads the description (hwmodel/cocheck/twin-traffic.ts) on stdin; prints "<id> <finish ps>" per record
// finished and "<id> D" per record dropped at the RX ring.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <cmath>
#include <cstdint>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <sstream>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

using namespace sc_core;
using u64 = std::uint64_t;

static sc_time ps(u64 v) { return sc_time(static_cast<double>(v), SC_PS); }
static u64 now_ps() { return sc_time_stamp().value(); }

static const u64 CONNECTION_BASE = 0x10000000ull, KEY_SLOT_BASE = 0x20000000ull, BUFFER_BASE = 0x40000000ull;
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
  sc_fifo<job*> lookups, derivations, memory_q, sym_q, pk_q;
  std::vector<sc_fifo<job*>*> dma_q;  // one fifo (first come, first served) or one per channel (round-robin)
  u64 dma_next = 0;
  // The intake: commands in arrival order, each waiting for its unit's queue slot.
  sc_fifo<std::pair<fifo_credits*, sc_event*>*> intake_q;
  fifo_credits sym_slots, pk_slots, rx_credits, pipeline, crypto_credits;
  long ring_free;
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
        derivations("derivations", 1 << 20), memory_q("memory_q", 1 << 20), sym_q("sym_q", 1 << 20), pk_q("pk_q", 1 << 20),
        intake_q("intake_q", 1 << 20), sym_slots(static_cast<long>(p.at("crypto_engine.lanes") * p.at("crypto_engine.queue_depth"))),
        pk_slots(static_cast<long>(p.at("crypto_engine.pk_lanes") * p.at("crypto_engine.queue_depth"))),
        rx_credits(static_cast<long>(p.at("record_layer.rx_credits"))), pipeline(static_cast<long>(p.at("record_layer.pipeline_depth"))),
        crypto_credits(static_cast<long>(p.at("record_layer.crypto_credits"))), ring_free(static_cast<long>(p.at("record_layer.rx_ring_depth"))),
        setup(s), bytes_per_cycle(b), latency_cycles(l), pk_cycles(pk) {
    sets.resize(std::max<u64>(1, p.at("memory.cache_size") / p.at("memory.line_size") / 4));
    for (u64 i = p.at("key_manager.key_slots"); i > 0; i--) free_slots.push_back(i - 1);
    sc_spawn([this] { server(lookups, false); }, "connection_manager");
    sc_spawn([this] { server(derivations, false); }, "key_manager");
    for (int i = 0; i < 3; i++) sc_spawn([this] { memory_port(); }, sc_gen_unique_name("memory"));
    sc_spawn([this] { intake(); }, "intake");
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

  void memory_port() {
    const u64 line = p.at("memory.line_size");
    for (;;) {
      job* j = memory_q.read();
      const u64 len = std::max<u64>(1, j->length);
      bool missed = false;
      for (u64 l = j->address / line; l <= (j->address + len - 1) / line; l++) missed = !cached(l) || missed;
      const double ns = static_cast<double>(len) * 8e9 / static_cast<double>(p.at("memory.bandwidth")) +
                        static_cast<double>(missed ? p.at("memory.latency") : p.at("memory.hit_latency")) / 1000.0;
      const u64 t = static_cast<u64>(std::llround(ns * 1000.0));
      if (t > 0) wait(ps(t));
      j->done.notify(SC_ZERO_TIME);
    }
  }

  void run(sc_fifo<job*>& q, job& j) {
    q.write(&j);
    wait(j.done);
  }

  void access(u64 address, u64 length) {
    job m;
    m.address = address;
    m.length = length;
    run(memory_q, m);
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
  sc_start();
  for (auto& o : out) {
    if (o.second < 0) std::cout << o.first << " D\n";
    else std::cout << o.first << ' ' << o.second << '\n';
  }
  std::cout.flush();
  std::_Exit(0);
}
